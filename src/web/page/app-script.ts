/**
 * The page's script, served at `/app.js` (the CSP allows scripts from this origin only). It keeps one
 * WebSocket to `/ws`, reconnecting after a drop, and renders what the server sends. Message bodies are the
 * server's safe HTML (`renderWebHtml` output or escaped text) and are the only thing ever set as HTML;
 * names, labels, states and toasts are set as text.
 * @module
 */

/** The JavaScript served at `/app.js`. */
export const PAGE_SCRIPT = `'use strict';
(function () {
  var STATE_EMOJI = { running: '🔄', waiting: '📝', awaiting_input: '💬', idle: '⏸️', done: '✅', error: '❌', stopped: '🛑' };
  // Words beside the emoji: where no emoji font exists, the state is still readable.
  var STATE_WORD = { running: 'working', waiting: 'needs you', awaiting_input: 'your turn', idle: 'idle', done: 'done', error: 'error', stopped: 'stopped' };
  var GENERAL = null;
  var threads = new Map();
  var order = [];
  var general = [];
  var unread = new Map();
  var selected = GENERAL;
  var pinned = false;
  var socket = null;
  var retries = 0;
  var expired = false;

  var $ = function (id) { return document.getElementById(id); };
  var list = $('thread-list');
  var messagesEl = $('messages');
  var input = $('input');

  function messagesOf(id) {
    if (id === GENERAL) return general;
    var t = threads.get(id);
    return t ? t.messages : [];
  }

  function needsAnswer(id) {
    return messagesOf(id).some(function (m) { return m.buttons.length > 0; });
  }

  // The state first, in words beside the emoji (where no emoji font exists the words still say it), then the name.
  function labelWithState(el, t, name) {
    var label = document.createElement('span');
    label.className = 'name';
    label.textContent = name;
    el.replaceChildren(label);
    if (!t || !t.state) return;
    var span = document.createElement('span');
    span.className = 'state';
    span.textContent = (STATE_EMOJI[t.state] || '') + ' ' + (STATE_WORD[t.state] || t.state);
    el.insertBefore(document.createTextNode(' '), el.firstChild);
    el.insertBefore(span, el.firstChild);
  }

  function renderThreadList() {
    list.replaceChildren();
    var entries = [{ id: GENERAL, label: 'General' }].concat(order.map(function (id) {
      var t = threads.get(id);
      return { id: id, label: t.name, state: t.state };
    }));
    entries.forEach(function (entry) {
      var li = document.createElement('li');
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'thread-item';
      b.dataset.threadId = entry.id === GENERAL ? '' : entry.id;
      if (entry.state) b.dataset.state = entry.state;
      b.setAttribute('aria-current', entry.id === selected ? 'true' : 'false');
      labelWithState(b, entry.id === GENERAL ? null : threads.get(entry.id), entry.label);
      var count = unread.get(entry.id) || 0;
      if (needsAnswer(entry.id)) addBadge(b, '!', 'badge needs', 'waiting for you');
      else if (count > 0 && entry.id !== selected) addBadge(b, String(count), 'badge', 'unread');
      b.addEventListener('click', function () { pinned = true; select(entry.id); });
      li.appendChild(b);
      list.appendChild(li);
    });
    var waiting = order.filter(needsAnswer).length;
    document.title = (waiting ? '(' + waiting + ') ' : '') + 'agent-tether';
  }

  function addBadge(button, text, className, label) {
    var span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    span.setAttribute('aria-label', label);
    button.appendChild(span);
  }

  function renderHeader() {
    var t = selected === GENERAL ? null : threads.get(selected);
    labelWithState($('title'), t, t ? t.name : 'agent-tether');
    $('typing').hidden = !(t && t.typing);
    // Short, so it fits one line on a phone (the thread's name is in the header).
    input.placeholder = t ? 'Message the agent…' : 'Commands: /status, /help…';
  }

  function messageNode(m) {
    var li = document.createElement('li');
    li.className = m.fromUser ? 'msg me' : 'msg bot';
    li.dataset.id = m.id;
    fillMessage(li, m);
    return li;
  }

  function fillMessage(li, m) {
    li.replaceChildren();
    var body = document.createElement('div');
    body.className = 'body';
    // Safe by construction: the server sends renderWebHtml output or escaped text, nothing else.
    body.innerHTML = m.html;
    li.appendChild(body);
    m.buttons.forEach(function (row) {
      var div = document.createElement('div');
      div.className = 'row';
      row.forEach(function (button) {
        var b = document.createElement('button');
        b.type = 'button';
        if (button.style) b.className = button.style;
        b.textContent = button.label;
        b.addEventListener('click', function () {
          if (!send({ type: 'tap', threadId: m.threadId, payload: button.payload })) return;
          li.querySelectorAll('.row button').forEach(function (x) { x.disabled = true; });
        });
        div.appendChild(b);
      });
      li.appendChild(div);
    });
  }

  function nearBottom() {
    return messagesEl.scrollHeight - messagesEl.scrollTop - messagesEl.clientHeight < 80;
  }

  function scrollDown() { messagesEl.scrollTop = messagesEl.scrollHeight; showPill(false); }

  // The newest message stays in view while the person is at the bottom; otherwise a pill says there is more.
  var pill = $('new-messages');
  function showPill(show) {
    if (show) {
      var area = messagesEl.getBoundingClientRect();
      pill.style.bottom = (messagesEl.parentElement.getBoundingClientRect().bottom - area.bottom + 12) + 'px';
    }
    pill.hidden = !show;
  }
  pill.addEventListener('click', scrollDown);
  messagesEl.addEventListener('scroll', function () { if (nearBottom()) showPill(false); });
  function follow(wasAtBottom) {
    if (wasAtBottom) scrollDown(); else if (!nearBottom()) showPill(true);
  }

  function renderMessages() {
    messagesEl.replaceChildren();
    var items = messagesOf(selected);
    if (items.length === 0) {
      var empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent =
        selected !== GENERAL ? 'No messages yet.'
        : order.length ? 'Agent sessions are listed above. Commands work here too.'
        : 'No agent sessions yet. Commands work here.';
      messagesEl.appendChild(empty);
    }
    items.forEach(function (m) { messagesEl.appendChild(messageNode(m)); });
    scrollDown();
  }

  function select(id) {
    selected = id;
    unread.delete(id);
    renderThreadList();
    renderHeader();
    renderMessages();
  }

  function autoSelect() {
    if (selected !== GENERAL && threads.has(selected)) return;
    if (!pinned || selected !== GENERAL) selected = order.length ? order[order.length - 1] : GENERAL;
  }

  function upsertThread(t) {
    var known = threads.get(t.id);
    if (!known) { order.push(t.id); threads.set(t.id, Object.assign({ messages: [] }, t)); }
    else Object.assign(known, t);
  }

  function onSnapshot(frame) {
    threads.clear(); order = []; unread.clear();
    frame.threads.forEach(function (t) { upsertThread(t); threads.get(t.id).messages = t.messages; });
    general = frame.general;
    autoSelect();
    select(selected);
  }

  function onMessage(m) {
    var target = messagesOf(m.threadId);
    if (m.threadId !== GENERAL && !threads.has(m.threadId)) return;
    target.push(m);
    if (target.length > 500) target.splice(0, target.length - 500);
    if (m.threadId === selected) {
      var stick = nearBottom() || m.fromUser;
      var empty = messagesEl.querySelector('.empty');
      if (empty) empty.remove();
      messagesEl.appendChild(messageNode(m));
      follow(stick);
    } else if (!m.fromUser) {
      unread.set(m.threadId, (unread.get(m.threadId) || 0) + 1);
    }
    renderThreadList();
  }

  function onEdit(m) {
    var items = messagesOf(m.threadId);
    var index = items.findIndex(function (x) { return x.id === m.id; });
    if (index < 0) return;
    items[index] = m;
    if (m.threadId === selected) {
      var li = messagesEl.querySelector('li[data-id="' + CSS.escape(m.id) + '"]');
      if (li) {
        // A message that grows in place (streaming, a decided card) must not push the newest lines out of view.
        var atBottom = nearBottom();
        fillMessage(li, m);
        follow(atBottom);
      }
    }
    renderThreadList();
  }

  function handle(frame) {
    switch (frame.type) {
      case 'snapshot': onSnapshot(frame); break;
      case 'thread':
        upsertThread(frame.thread);
        if (!pinned && selected === GENERAL) select(frame.thread.id);
        else { renderThreadList(); renderHeader(); }
        break;
      case 'threadRemoved':
        threads.delete(frame.threadId);
        order = order.filter(function (id) { return id !== frame.threadId; });
        unread.delete(frame.threadId);
        if (selected === frame.threadId) select(GENERAL); else renderThreadList();
        break;
      case 'message': onMessage(frame); break;
      case 'edit': onEdit(frame); break;
      case 'typing': {
        var t = threads.get(frame.threadId);
        if (t) { t.typing = frame.typing; renderHeader(); }
        break;
      }
      case 'tapAnswer': toast(frame.text, frame.alert); break;
      case 'error': toast(frame.text, true); break;
    }
  }

  function toast(text, alert) {
    if (!text) return;
    var div = document.createElement('div');
    div.className = alert ? 'toast alert' : 'toast';
    div.setAttribute('role', alert ? 'alert' : 'status');
    div.textContent = text;
    // One toast at a time, the newest: a stack of them would cover the session tabs.
    $('toasts').replaceChildren(div);
    setTimeout(function () { div.remove(); }, alert ? 7000 : 3500);
  }

  function setConn(state, text) {
    var el = $('conn');
    el.className = 'conn ' + state;
    el.textContent = text;
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      toast('Not connected. Reconnecting…', true);
      return false;
    }
    socket.send(JSON.stringify(frame));
    return true;
  }

  function say(text) {
    var clean = text.trim();
    if (!clean) return false;
    return send({ type: 'say', threadId: selected, text: clean });
  }

  function connect() {
    if (expired) return;
    setConn('', retries ? 'reconnecting…' : 'connecting…');
    var proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    var key = null;
    try { key = localStorage.getItem('agent-tether-socket-key'); } catch (e) { key = null; }
    if (!key) {
      expired = true;
      setConn('offline', 'signed out');
      toast('Open the link agent-tether printed to sign in on this page.', true);
      return;
    }
    // The socket key (kept in this origin's storage) goes beside the cookie: other local servers get the cookie too.
    var ws = new WebSocket(proto + '//' + location.host + '/ws', ['agent-tether.v1', 'key.' + key]);
    socket = ws;
    ws.addEventListener('open', function () { retries = 0; setConn('online', 'online'); });
    ws.addEventListener('message', function (event) {
      try { handle(JSON.parse(event.data)); } catch (error) { console.error(error); }
    });
    ws.addEventListener('close', function () {
      if (socket === ws) socket = null;
      setConn('offline', 'offline');
      reconnectLater();
    });
  }

  function reconnectLater() {
    var delay = Math.min(10000, 250 * Math.pow(2, retries));
    retries++;
    fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (response.status === 401) {
        expired = true;
        setConn('offline', 'signed out');
        toast('This session has ended. Open the link agent-tether printed again.', true);
        return;
      }
      setTimeout(connect, delay);
    }, function () { setTimeout(connect, delay); });
  }

  $('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    if (say(input.value)) input.value = '';
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (say(input.value)) input.value = '';
    }
  });
  document.querySelectorAll('[data-command]').forEach(function (b) {
    var label = b.textContent;
    var disarm = null;
    b.addEventListener('click', function () {
      // /stop ends the agent's work: the first tap asks, the second (within 4 s) sends.
      if (b.dataset.confirm && !disarm) {
        b.textContent = b.dataset.confirm;
        b.classList.add('armed');
        disarm = setTimeout(function () { b.textContent = label; b.classList.remove('armed'); disarm = null; }, 4000);
        return;
      }
      if (disarm) { clearTimeout(disarm); disarm = null; b.textContent = label; b.classList.remove('armed'); }
      say(b.dataset.command);
    });
  });

  renderThreadList();
  renderHeader();
  connect();
})();
`;
