/**
 * The page's HTML shell. No inline script or style (the CSP forbids both): behaviour comes from `/app.js`,
 * looks from `/app.css`. Everything dynamic is filled in by the script.
 * @module
 */

/** The HTML served at `/`. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>agent-tether</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header class="bar">
  <h1 id="title">agent-tether</h1>
  <span id="conn" class="conn" role="status">connecting…</span>
</header>
<main class="layout">
  <nav class="threads" aria-label="Threads"><ul id="thread-list"></ul></nav>
  <section class="thread" aria-label="Messages">
    <ol id="messages" class="messages"></ol>
    <button type="button" id="new-messages" class="pill" hidden>↓ New messages</button>
    <div id="typing" class="typing" hidden>Agent is working…</div>
    <div class="commands" role="group" aria-label="Commands">
      <button type="button" data-command="/status">/status</button>
      <button type="button" data-command="/usage">/usage</button>
      <button type="button" data-command="/help">/help</button>
      <button type="button" data-command="/stop" data-confirm="Tap again to stop" class="danger stop">/stop</button>
    </div>
    <form id="composer" class="composer">
      <textarea id="input" rows="1" aria-label="Message" placeholder="Message the agent…" enterkeyhint="send" autocomplete="off"></textarea>
      <button type="submit" class="primary">Send</button>
    </form>
  </section>
</main>
<div id="toasts" class="toasts" aria-live="assertive"></div>
</body>
</html>
`;
