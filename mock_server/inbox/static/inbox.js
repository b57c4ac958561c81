// The inbox page. It reads and drives the mock only through the control API (/_mock/...), so
// it can do nothing the API cannot. One event stream (/_mock/events) says when to read again.
"use strict";

const state = {
  list: [], // the conversations read so far, newest first
  nextCursor: null, // of the list's next page; null when all are read
  newestSeq: 0, // the highest seq seen: what changed after it is read after a cue
  epoch: null, // changes at each reset; null: read everything
  account: "",
  query: "",
  selected: null, // the key of the conversation last picked in the list
  loaded: new Map(), // conversation key -> the messages shown, oldest first
  older: new Map(), // conversation key -> the messages read with "Show older messages"
  olderCursor: new Map(), // conversation key -> the cursor of the page before those shown
  threads: new Map(), // conversation key -> its <section>, kept so that typed replies survive
  refreshing: false,
  again: false,
};

const $ = (selector) => document.querySelector(selector);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// Times are UTC, to the millisecond: the lifecycle's steps are often half a second apart.
function clockTime(iso) {
  return iso.slice(11, 23);
}

function notice(text) {
  const box = $("#notice");
  box.textContent = text;
  box.hidden = !text;
}

// The control key (`--control-token`), when the mock asks for one: asked for once, on the first
// 401, and kept for this tab's session only.
const KEY_ITEM = "aatrox-mock-control-key";
let keyAsked = false;

function send(method, path, body) {
  const init = { method, headers: {} };
  const key = sessionStorage.getItem(KEY_ITEM);
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  return fetch(path, init);
}

// Whether there is a key to try that the refused call did not carry.
function newKey(sent) {
  const stored = sessionStorage.getItem(KEY_ITEM);
  if (stored && stored !== sent) return true; // another call asked for it meanwhile
  if (sent) {
    // the key was wrong: forget it, and ask again
    sessionStorage.removeItem(KEY_ITEM);
    keyAsked = false;
  }
  if (keyAsked) return false; // the user gave none: no prompt on every call
  keyAsked = true;
  const typed = (window.prompt("This mock asks for its control key (--control-token):") || "").trim();
  if (!typed) return false;
  sessionStorage.setItem(KEY_ITEM, typed);
  return true;
}

// One call of the control API; a problem document becomes the notice's text.
async function call(method, path, body) {
  const sent = sessionStorage.getItem(KEY_ITEM);
  let answer = await send(method, path, body);
  if (answer.status === 401 && newKey(sent)) answer = await send(method, path, body);
  if (!answer.ok) {
    let text = `${method} ${path}: ${answer.status}`;
    try {
      const problem = await answer.json();
      text += ` ${problem.title}: ${problem.detail}`;
      for (const error of problem.errors || []) text += ` (${error.field}: ${error.message})`;
    } catch (_) {
      // not a problem document: the status says it
    }
    notice(escaped(text));
    return null;
  }
  notice("");
  return answer.status === 204 ? {} : answer.json();
}

// Values from a request or a message are someone else's text. Each is shown in a <bdi>, so that
// right-to-left text (or an override) cannot run into what follows it, and control characters
// (bidirectional formatting ones included) are shown as escapes instead of acting. A message's
// newlines stay: an SMS may have lines.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escaped(text, keepNewlines = false) {
  return String(text).replace(keepNewlines ? CONTROLS_BUT_NEWLINE : CONTROLS, (c) =>
    `\\u{${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}}`,
  );
}

function isolated(text, keepNewlines = false) {
  return el("bdi", {}, escaped(text, keepNewlines));
}

// -- conversations ----------------------------------------------------------------------------

// The page never reads every message: the conversation list comes a page at a time, newest
// first (GET /_mock/conversations), and after a cue only the conversations that changed since
// the newest seq seen (changed_after). Only THREADS_SHOWN conversations show their messages
// (the newest THREAD_PAGE of each), read when they are shown, changed, or not yet final.
const LIST_PAGE = 50;
const THREADS_SHOWN = 5;
const THREAD_PAGE = 30;
const FINAL = new Set(["delivered", "undelivered", "failed", "received"]);

// A conversation is a pair of numbers; `phone` and `app` come from its newest message.
function conversationOf(listed) {
  return { key: listed.numbers.join(" "), phone: listed.phone, app: listed.app, newest: listed.newest, seq: listed.newest_seq };
}

function matches(conversation, query) {
  if (!query) return true;
  const q = query.toLowerCase();
  return conversation.phone.includes(q) || conversation.app.includes(q) || conversation.newest.text.toLowerCase().includes(q);
}

function anchor(key) {
  return "thread-" + key.replace(/[^0-9A-Za-z]+/g, "-");
}

// The text, with a marker where each SMS segment begins and the disclaimer set apart. Offsets
// are in code points (the API's unit), so the text is split with Array.from.
function textWithSegments(message) {
  const chars = Array.from(message.text);
  const cuts = new Set([...message.segment_starts, chars.length]);
  if (message.disclaimer_at !== null) cuts.add(message.disclaimer_at);
  const points = [...cuts].sort((a, b) => a - b);
  const body = el("p", { class: "text" });
  for (let i = 0; i < points.length - 1; i += 1) {
    const start = points[i];
    const segment = message.segment_starts.indexOf(start);
    if (segment > 0) {
      body.append(
        el("span", { class: "segment-break", title: `segment ${segment + 1} begins here` }, `§${segment + 1}`),
      );
    }
    const piece = chars.slice(start, points[i + 1]).join("");
    const inDisclaimer = message.disclaimer_at !== null && start >= message.disclaimer_at;
    const text = isolated(piece, true);
    body.append(inDisclaimer ? el("span", { class: "disclaimer", title: "the sender's disclaimer" }, text) : text);
  }
  return body;
}

function statusLine(message) {
  const list = el("ol", { class: "history", "aria-label": "status history" });
  for (const step of message.status_history) {
    list.append(
      el("li", { dataset: { status: step.status } }, el("span", { class: "status" }, step.status), " ", el("time", { datetime: step.at }, clockTime(step.at))),
    );
  }
  return list;
}

function messageItem(message) {
  const outbound = message.direction === "outbound";
  const segments = `${message.encoding} · ${message.segment_count} segment${message.segment_count === 1 ? "" : "s"}`;
  const who = outbound
    ? ["sent by account ", isolated(message.account), " from ", isolated(message.from_addr)]
    : ["from the phone ", isolated(message.from_addr)];
  return el(
    "li",
    {
      class: `message ${outbound ? "to-phone" : "from-phone"}`,
      dataset: { messageId: message.id, status: message.status },
    },
    el(
      "div",
      { class: "bubble" },
      textWithSegments(message),
      el(
        "p",
        { class: "meta" },
        el("time", { datetime: message.created_at }, clockTime(message.created_at)),
        ` · ${segments} · `,
        ...who,
      ),
      statusLine(message),
    ),
  );
}

function threadSection(conversation) {
  const section = el("section", { class: "thread", id: anchor(conversation.key), "aria-label": `Conversation of ${conversation.phone} with ${conversation.app}` });
  const reply = el("input", { type: "text", placeholder: `Reply as ${conversation.phone}`, "aria-label": `Reply as ${conversation.phone}`, required: "" });
  const form = el(
    "form",
    {
      class: "reply row",
      onsubmit: async (event) => {
        event.preventDefault();
        const sent = await call("POST", "/_mock/inbound", { from: conversation.phone, to: conversation.app, text: reply.value });
        if (sent) reply.value = "";
      },
    },
    reply,
    el("button", { type: "submit" }, "Reply as the phone"),
  );
  section.append(
    el("h2", {}, el("span", { class: "phone" }, isolated(conversation.phone)), el("span", { class: "muted" }, " ↔ ", isolated(conversation.app))),
    el("ol", { class: "messages" }),
    form,
  );
  return section;
}

function listItem(c) {
  return el(
    "li",
    { dataset: { key: c.key } },
    el(
      "a",
      {
        href: `#${anchor(c.key)}`,
        onclick: () => {
          state.selected = c.key;
          showThreads(new Set());
        },
      },
      el("strong", {}, isolated(c.phone)),
      el("span", { class: "muted" }, " ↔ ", isolated(c.app)),
      el("span", { class: "preview" }, isolated(c.newest.text)),
    ),
  );
}

function shownConversations() {
  const shown = state.list.filter((c) => matches(c, state.query));
  const picked = shown.slice(0, THREADS_SHOWN);
  const selected = state.list.find((c) => c.key === state.selected);
  if (selected && !picked.includes(selected)) picked.unshift(selected);
  return { shown, picked };
}

function renderList() {
  const { shown } = shownConversations();
  $("#empty").hidden = state.list.length > 0;
  $("#conversations").replaceChildren(...shown.map(listItem));
  $("#more-conversations").hidden = state.nextCursor === null;
  const names = new Set(state.list.map((c) => c.newest.account).filter((name) => name));
  $("#account-names").replaceChildren(...[...names].sort().map((name) => el("option", { value: name })));
}

// Reads the newest messages of one conversation (both ways between its two numbers).
async function loadThread(conversation) {
  const [number, peer] = conversation.key.split(" ");
  const params = new URLSearchParams({ number, peer, order: "newest", limit: String(THREAD_PAGE) });
  const answer = await call("GET", `/_mock/messages?${params}`);
  if (!answer) return;
  const newest = answer.messages.reverse();
  const ids = new Set(newest.map((m) => m.id));
  const older = (state.older.get(conversation.key) || []).filter((m) => !ids.has(m.id));
  state.loaded.set(conversation.key, [...older, ...newest]);
  // Until older pages were read, where they start is the newest page's own next_cursor: a
  // thread first read with few messages may have more than a page of them now.
  if (!state.older.has(conversation.key)) state.olderCursor.set(conversation.key, answer.next_cursor);
}

// The page of messages before the oldest shown, on request ("Show older messages").
async function loadOlder(key) {
  const cursor = state.olderCursor.get(key);
  if (!cursor) return;
  const [number, peer] = key.split(" ");
  const params = new URLSearchParams({ number, peer, order: "newest", limit: String(THREAD_PAGE), cursor });
  const answer = await call("GET", `/_mock/messages?${params}`);
  if (!answer) return;
  const page = answer.messages.reverse();
  state.older.set(key, [...page, ...(state.older.get(key) || [])]);
  state.olderCursor.set(key, answer.next_cursor);
  state.loaded.set(key, [...page, ...(state.loaded.get(key) || [])]);
  await showThreads(new Set());
}

function forgetThread(key) {
  state.loaded.delete(key);
  state.older.delete(key);
  state.olderCursor.delete(key);
}

// The threads of the conversations on show: each read again if it changed, is new on screen,
// or has a message whose status may still change.
async function showThreads(changed) {
  const stale = shownConversations().picked.filter((c) => {
    const messages = state.loaded.get(c.key);
    return !messages || changed.has(c.key) || messages.some((m) => !FINAL.has(m.status));
  });
  await Promise.all(stale.map(loadThread));
  // Shown as the page is now, not as it was before the reads: a search typed meanwhile makes
  // another call, which may finish first. A thread still being read is shown by its own call.
  const { picked: current } = shownConversations();
  const picked = current.filter((c) => state.loaded.has(c.key));
  const threads = $("#threads");
  const wanted = new Set(current.map((c) => c.key));
  for (const [key, section] of state.threads) {
    if (!wanted.has(key)) {
      section.remove();
      state.threads.delete(key);
    }
  }
  for (const key of [...state.loaded.keys()]) if (!wanted.has(key)) forgetThread(key);
  for (const conversation of picked) {
    let section = state.threads.get(conversation.key);
    if (!section) {
      section = threadSection(conversation);
      state.threads.set(conversation.key, section);
    }
    const list = section.querySelector(".messages");
    let older = section.querySelector(".older");
    if (!older) {
      older = el("button", { type: "button", class: "older", onclick: () => loadOlder(conversation.key) }, "Show older messages");
      list.before(older);
    }
    older.hidden = !state.olderCursor.get(conversation.key);
    list.replaceChildren(...(state.loaded.get(conversation.key) || []).map(messageItem));
    threads.append(section); // in order of activity (append moves an existing node)
  }
}

function forgetEverything() {
  state.epoch = null;
  state.newestSeq = 0;
  state.list = [];
  state.nextCursor = null;
  for (const key of [...state.loaded.keys()]) forgetThread(key);
}

function conversationsPath(extra) {
  const params = new URLSearchParams({ limit: String(LIST_PAGE), ...extra });
  if (state.account) params.set("account", state.account);
  return `/_mock/conversations?${params}`;
}

// One refresh: what changed since the newest seq seen, or everything after a reset (a new
// epoch) or when more changed than one page holds.
async function refreshOnce() {
  const full = state.epoch === null;
  const answer = await call("GET", conversationsPath(full ? {} : { changed_after: String(state.newestSeq) }));
  if (!answer) return;
  if (!full && (answer.epoch !== state.epoch || answer.next_cursor !== null)) {
    forgetEverything();
    await refreshOnce();
    return;
  }
  const changed = answer.conversations.map(conversationOf);
  const keys = new Set(changed.map((c) => c.key));
  if (full) {
    state.list = changed;
    state.nextCursor = answer.next_cursor;
  } else {
    state.list = [...changed, ...state.list.filter((c) => !keys.has(c.key))];
  }
  state.epoch = answer.epoch;
  for (const c of changed) state.newestSeq = Math.max(state.newestSeq, c.seq);
  renderList();
  await showThreads(keys);
}

// Cues that come while a refresh runs make one more refresh after it, not one each.
async function refresh() {
  if (state.refreshing) {
    state.again = true;
    return;
  }
  state.refreshing = true;
  try {
    do {
      state.again = false;
      await refreshOnce();
    } while (state.again);
  } finally {
    state.refreshing = false;
  }
}

async function moreConversations() {
  if (state.nextCursor === null) return;
  const answer = await call("GET", conversationsPath({ cursor: state.nextCursor }));
  if (!answer) return;
  const known = new Set(state.list.map((c) => c.key));
  state.list.push(...answer.conversations.map(conversationOf).filter((c) => !known.has(c.key)));
  state.nextCursor = answer.next_cursor;
  renderList();
}

// -- the request journal ----------------------------------------------------------------------

function journalEntry(entry) {
  const refused = entry.status >= 400;
  const item = el(
    "li",
    { class: `entry${refused ? " refused" : ""}`, dataset: { status: String(entry.status) } },
    el(
      "p",
      { class: "line" },
      el("time", { datetime: entry.time }, clockTime(entry.time)),
      " ",
      el("span", { class: "method" }, isolated(entry.method)),
      " ",
      el("code", {}, isolated(entry.path)),
      " ",
      el("strong", { class: "code" }, String(entry.status)),
      el("span", { class: "muted" }, ...(entry.account ? [" · account ", isolated(entry.account)] : [" · no known token"])),
    ),
  );
  if (entry.problem) {
    item.append(el("p", { class: "problem" }, el("strong", {}, isolated(entry.problem.title || "")), ": ", isolated(entry.problem.detail || "")));
    const errors = entry.problem.errors || [];
    if (errors.length) {
      item.append(el("ul", { class: "errors" }, ...errors.map((e) => el("li", {}, el("code", {}, isolated(e.field)), " ", isolated(e.message)))));
    }
  }
  return item;
}

async function loadRequests() {
  const params = new URLSearchParams();
  const status = $("#journal-status").value.trim();
  const path = $("#journal-path").value.trim();
  if (status) params.set("status", status);
  if (path) params.set("path", path);
  const answer = await call("GET", `/_mock/requests${params.size ? "?" + params : ""}`);
  if (answer) {
    $("#journal-off").hidden = answer.size > 0;
    $("#journal").replaceChildren(...answer.requests.map(journalEntry));
  }
}

// -- live -------------------------------------------------------------------------------------

function connect() {
  const live = $("#live");
  const events = new EventSource("/_mock/events");
  events.addEventListener("open", () => {
    live.dataset.state = "live";
    live.textContent = "live";
  });
  events.addEventListener("error", () => {
    // The stream ends every few seconds by design; the browser reconnects by itself.
    live.dataset.state = "reconnecting";
    live.textContent = "reconnecting…";
  });
  events.addEventListener("messages", refresh);
  events.addEventListener("requests", loadRequests);
}

// -- driving ----------------------------------------------------------------------------------

function faultsText(faults) {
  if (!faults.error_rate && !faults.latency_ms) return "no faults";
  return `${Math.round(faults.error_rate * 100)}% errors, +${faults.latency_ms} ms`;
}

function wire() {
  $("#clock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const moved = await call("POST", "/_mock/clock/advance", { seconds: Number($("#clock-seconds").value) });
    if (moved) notice("");
  });
  $("#faults-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const faults = await call("PUT", "/_mock/faults", {
      error_rate: Number($("#fault-rate").value),
      latency_ms: Number($("#fault-latency").value),
    });
    if (faults) $("#faults-now").textContent = faultsText(faults);
  });
  $("#faults-clear").addEventListener("click", async () => {
    const faults = await call("DELETE", "/_mock/faults");
    if (faults) $("#faults-now").textContent = faultsText(faults);
  });
  $("#phone-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = await call("POST", "/_mock/inbound", {
      from: $("#phone-from").value.trim(),
      to: $("#phone-to").value.trim(),
      text: $("#phone-text").value,
    });
    if (sent) $("#phone-text").value = "";
  });
  $("#reset").addEventListener("click", () => call("POST", "/_mock/reset"));
  $("#search").addEventListener("input", (event) => {
    state.query = event.target.value.trim();
    renderList();
    showThreads(new Set());
  });
  $("#account-filter").addEventListener("change", (event) => {
    state.account = event.target.value.trim();
    forgetEverything();
    refresh();
  });
  $("#more-conversations").addEventListener("click", moreConversations);
  $("#journal-form").addEventListener("submit", (event) => {
    event.preventDefault();
    loadRequests();
  });
  $("#journal-clear").addEventListener("click", () => call("DELETE", "/_mock/requests"));
}

wire();
connect();
