/**
 * The page's stylesheet, served at `/app.css`. Mobile first (works from 320px); from 760px the thread list
 * becomes a sidebar.
 * @module
 */

/** The CSS served at `/app.css`. */
export const PAGE_STYLE = `
:root { --bg: #f6f7f9; --fg: #15181d; --muted: #667085; --card: #fff; --line: #d8dde5; --accent: #2563eb;
  --danger: #c62828; --me: #dbeafe; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111418; --fg: #e8eaed; --muted: #9aa4b2; --card: #1b2027; --line: #2e3540; --accent: #60a5fa;
    --danger: #ef5350; --me: #1e3a5f; }
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--fg); }
body { display: flex; flex-direction: column; height: 100dvh; }
button { font: inherit; cursor: pointer; border: 1px solid var(--line); background: var(--card); color: var(--fg);
  border-radius: 8px; padding: 8px 12px; min-height: 44px; min-width: 44px; }
button:disabled { opacity: .5; cursor: default; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { color: var(--danger); border-color: var(--danger); }
.bar { display: flex; align-items: center; gap: 8px; padding: 8px 12px; border-bottom: 1px solid var(--line);
  background: var(--card); padding-top: max(8px, env(safe-area-inset-top)); }
.bar h1 { flex: 1; font-size: 1.05rem; margin: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.conn { font-size: .8rem; color: var(--muted); white-space: nowrap; }
.conn.online { color: #2e7d32; }
.conn.offline { color: var(--danger); }
.layout { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.threads { border-bottom: 1px solid var(--line); background: var(--card); }
.threads ul { list-style: none; margin: 0; padding: 6px 8px; display: flex; gap: 6px; overflow-x: auto; }
.threads li button { white-space: nowrap; border-radius: 999px; padding: 6px 12px; min-height: 44px; }
.threads .name { display: inline-block; max-width: 40vw; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
.state { margin-right: 2px; font-size: .8rem; color: var(--muted); font-weight: normal; }
.threads li button[aria-current="true"] { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent); }
.badge { display: inline-block; min-width: 1.3em; margin-left: 6px; padding: 0 5px; border-radius: 999px;
  background: var(--accent); color: #fff; font-size: .75rem; text-align: center; }
.badge.needs { background: #f59e0b; }
.thread { flex: 1; display: flex; flex-direction: column; min-height: 0; min-width: 0; position: relative; }
.pill { position: absolute; left: 50%; transform: translateX(-50%); bottom: 12px; z-index: 5;
  border-radius: 999px; background: var(--accent); border-color: var(--accent); color: #fff; box-shadow: 0 2px 8px #0003; }
.messages { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 12px; display: flex;
  flex-direction: column; gap: 8px; }
.msg { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px;
  max-width: 100%; overflow-wrap: anywhere; align-self: flex-start; }
.msg.me { background: var(--me); align-self: flex-end; white-space: pre-wrap; }
.msg p { margin: 0 0 6px; white-space: pre-line; } .msg p:last-child { margin-bottom: 0; }
.msg li { white-space: pre-line; }
.msg pre { overflow-x: auto; background: var(--bg); padding: 8px; border-radius: 6px; margin: 6px 0; }
.msg .diff-add { color: #1a7f37; background: rgba(46, 160, 67, .15); }
.msg .diff-del { color: #cf222e; background: rgba(248, 81, 73, .15); }
.msg .diff-hunk { color: #8250df; }
.msg code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .88em; }
.msg blockquote { margin: 4px 0; padding-left: 8px; border-left: 3px solid var(--line); color: var(--muted); }
.msg ul, .msg ol { margin: 4px 0; padding-left: 22px; }
.msg .row { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.empty { color: var(--muted); text-align: center; margin-top: 24px; }
.typing { padding: 0 12px 6px; color: var(--muted); font-size: .85rem; }
.commands { display: flex; gap: 6px; padding: 6px 8px; overflow-x: auto; border-top: 1px solid var(--line); }
.commands button { min-height: 44px; padding: 4px 12px; font-size: .9rem; }
.commands .stop { margin-left: auto; }
.commands .armed { background: var(--danger); color: #fff; }
.composer { display: flex; gap: 6px; padding: 6px 8px; padding-bottom: max(8px, env(safe-area-inset-bottom)); }
.composer textarea { flex: 1; min-width: 0; resize: none; font: inherit; padding: 9px 10px; border-radius: 8px;
  border: 1px solid var(--line); background: var(--card); color: var(--fg); max-height: 40vh; min-height: 44px; }
.composer textarea::placeholder { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.toasts { position: fixed; left: 50%; transform: translateX(-50%); top: calc(52px + env(safe-area-inset-top)); display: flex;
  flex-direction: column; gap: 6px; width: min(92vw, 420px); z-index: 10; pointer-events: none; }
.toast { background: #111827; color: #fff; border-radius: 8px; padding: 10px 12px; box-shadow: 0 4px 14px #0004; }
.toast.alert { background: var(--danger); }
@media (min-width: 760px) {
  .layout { flex-direction: row; }
  .threads { width: 260px; border-bottom: 0; border-right: 1px solid var(--line); overflow-y: auto; }
  .threads ul { flex-direction: column; overflow-x: visible; }
  .threads li button { width: 100%; text-align: left; border-radius: 8px; display: flex; align-items: center; gap: 4px; }
  .threads .name { flex: 1; min-width: 0; max-width: none; }
}
`;
