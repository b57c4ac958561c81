// The inbox page. It reads and drives the mock only through the control API (/_mock/...), so
// it can do nothing the API cannot. One event stream (/_mock/events) says when to read again.
"use strict";

const state = {
  messages: [],
  threads: new Map(), // conversation key -> its <section>, kept so that typed replies survive
  query: "",
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

// A conversation is a phone and the app's number it talks to, whichever way a message went.
function ends(message) {
  return message.direction === "outbound"
    ? { phone: message.to_addr, app: message.from_addr }
    : { phone: message.from_addr, app: message.to_addr };
}

function conversations(messages) {
  const byKey = new Map();
  for (const message of messages) {
    const { phone, app } = ends(message);
    const key = `${phone} ${app}`;
    if (!byKey.has(key)) byKey.set(key, { key, phone, app, messages: [] });
    byKey.get(key).messages.push(message);
  }
  // Most recent activity first; messages inside a thread stay oldest first, like a phone.
  return [...byKey.values()].sort((a, b) =>
    a.messages.at(-1).created_at < b.messages.at(-1).created_at ? 1 : -1,
  );
}

function matches(conversation, query) {
  if (!query) return true;
  const q = query.toLowerCase();
  return (
    conversation.phone.includes(q) ||
    conversation.app.includes(q) ||
    conversation.messages.some((m) => m.text.toLowerCase().includes(q))
  );
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

function render() {
  const all = conversations(state.messages);
  const shown = all.filter((c) => matches(c, state.query));
  $("#empty").hidden = all.length > 0;

  const list = $("#conversations");
  list.replaceChildren(
    ...shown.map((c) => {
      const last = c.messages.at(-1);
      return el(
        "li",
        {},
        el("a", { href: `#${anchor(c.key)}` }, el("strong", {}, isolated(c.phone)), el("span", { class: "muted" }, " ↔ ", isolated(c.app)), el("span", { class: "preview" }, isolated(last.text))),
      );
    }),
  );

  const threads = $("#threads");
  const wanted = new Set(shown.map((c) => c.key));
  for (const [key, section] of state.threads) {
    if (!wanted.has(key)) {
      section.remove();
      if (!all.some((c) => c.key === key)) state.threads.delete(key);
    }
  }
  for (const conversation of shown) {
    let section = state.threads.get(conversation.key);
    if (!section) {
      section = threadSection(conversation);
      state.threads.set(conversation.key, section);
    }
    section.querySelector(".messages").replaceChildren(...conversation.messages.map(messageItem));
    threads.append(section); // in order of activity (append moves an existing node)
  }
}

async function loadMessages() {
  const answer = await call("GET", "/_mock/messages");
  if (answer) {
    state.messages = answer.messages;
    render();
  }
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
  events.addEventListener("messages", loadMessages);
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
    render();
  });
  $("#journal-form").addEventListener("submit", (event) => {
    event.preventDefault();
    loadRequests();
  });
  $("#journal-clear").addEventListener("click", () => call("DELETE", "/_mock/requests"));
}

wire();
connect();
