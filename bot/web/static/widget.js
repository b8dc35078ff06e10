/*
 * 123Roulement chat widget: the customer-support assistant on any page of the shop.
 *
 * Usage: <script src="/static/widget.js" defer></script>. The script loads its own
 * stylesheet (widget.css, next to it), builds its DOM and talks to the web server's
 * JSON routes (docs/web-api.md) with same-origin fetch. Identity and conversation id
 * live in HttpOnly cookies: this script never sees or chooses them.
 *
 * Security rule: text from the customer or the bot is never parsed as HTML. Every node
 * is built with createElement / textContent / createTextNode; URLs in bot messages become
 * anchors only after checking they are http(s).
 *
 * Plain ES2018, no dependency, no build step; works under CSP `default-src 'self'`
 * (no inline style attribute or script is created: the input's height is set through
 * the CSSOM, which CSP allows).
 */
(function () {
  "use strict";

  // Read synchronously: document.currentScript is null once this first run is over.
  const SCRIPT_SRC = (document.currentScript && document.currentScript.src) ||
    new URL("/static/widget.js", window.location.href).href;

  // widget.js lives in <base>/static/, the routes in <base>/chat/…
  const ROUTES_BASE = new URL("../", SCRIPT_SRC);
  const CSS_URL = new URL("widget.css", SCRIPT_SRC).href;
  const STORAGE_KEY = "rb-widget-open";
  // The server gives up on the bot after 20 s; a little more here so that its answer
  // (a 503 with the phone line) normally wins over our own timeout.
  const REQUEST_TIMEOUT_MS = 30000;
  // Show the widget even if its stylesheet is slow or missing.
  const CSS_WAIT_MS = 3000;
  // Pause between the bubbles of one answer, as a person types them; none when the
  // customer asked the system for less motion.
  const BUBBLE_DELAY_MS = 450;
  const REDUCED_MOTION = "(prefers-reduced-motion: reduce)";
  const SVG_NS = "http://www.w3.org/2000/svg";

  const DEFAULT_CONFIG = Object.freeze({
    phone: "02 808 18 02",
    hours: "du lundi au vendredi de 8\u00a0h à 19\u00a0h",
    max_length: 2000,
  });

  // French typography: U+00A0 before « ? ! : ; » and inside « » (checked by
  // tests/unit/test_typography.py), so that no punctuation wraps alone.
  const TEXT = {
    launcher: "Besoin d'aide\u00a0?",
    unread: (count) => count === 1 ? "1 nouveau message" : `${count} nouveaux messages`,
    title: "Assistant 123Roulement",
    newConversation: "Nouvelle conversation",
    close: "Fermer la discussion",
    confirmReset: "Effacer cette conversation et en commencer une nouvelle\u00a0?",
    confirmResetYes: "Oui, effacer",
    confirmResetNo: "Annuler",
    logLabel: "Messages de la conversation",
    inputLabel: "Votre message",
    inputHint: "Appuyez sur Entrée pour envoyer, sur Maj+Entrée pour aller à la ligne.",
    placeholder: "Écrivez votre question…",
    send: "Envoyer",
    welcome: "Bonjour\u00a0! Posez-moi votre question sur votre compte client.",
    loading: "Chargement de la conversation…",
    typing: "L'assistant écrit…",
    quickReplies: "Réponses suggérées",
    retry: "Réessayer",
    newTab: "S'ouvre dans un nouvel onglet.",
    links: "Liens",
    tooLong: (length, max) =>
      `Votre message est trop long (${formatNumber(length)} caractères). ` +
      `Merci de le raccourcir à ${formatNumber(max)} caractères au maximum.`,
    unavailable: (phone, hours) =>
      `Le service est momentanément indisponible. Appelez nos conseillers au ${phone}, ${hours}.`,
    rateAnswer: "Cette réponse vous a-t-elle aidé ?",
    helpful: "Réponse utile",
    notHelpful: "Réponse pas utile",
    commentLabel: "Qu'est-ce qui n'allait pas ? (facultatif)",
    commentSend: "Envoyer",
    thanks: "Merci pour votre avis !",
    thanksComment: "Merci, votre commentaire aide nos conseillers à améliorer l'assistant.",
    satisfaction: "Comment s'est passée cette conversation ?",
    scoreLow: "Pas du tout satisfait",
    scoreHigh: "Très satisfait",
    scores: ["1 sur 5, pas du tout satisfait", "2 sur 5", "3 sur 5", "4 sur 5", "5 sur 5, très satisfait"],
    dismiss: "Non merci",
  };

  // Bare http(s) URLs; the capture group makes String.split keep them (odd indexes).
  const URL_SPLIT_RE = /(https?:\/\/[^\s<>"'`{}|\\^«»]+)/i;
  // Punctuation that ends a sentence rather than a URL (« voir https://…/aide. »).
  const TRAILING_PUNCTUATION = ".,;:!?";
  const CLOSERS = { ")": "(", "]": "[" };
  // References (FA-240117, CMD-240392, T-7K4Q9MZ2) are never cut at their hyphen.
  const REFERENCE_SPLIT_RE = /\b([A-Z]{1,4}-[0-9A-Z]{4,})\b/;

  const state = {
    config: Object.assign({}, DEFAULT_CONFIG),
    configLoaded: false,
    history: "idle", // "idle" | "loading" | "done" | "failed"
    loading: null, // the promise of the initial load while it runs
    dirty: false, // something was sent since the page loaded
    busy: false, // a message or a reset is in flight
    queue: [], // messages typed while busy: {message, display, source, bubble}
    unread: 0, // bot messages that arrived while the panel was closed
    failed: null, // the last message that could not be sent: {message, display, source, bubble, alert}
    asked: false, // the satisfaction question was asked in this conversation
  };

  const ui = {};

  // --- small helpers -------------------------------------------------------------------

  /** createElement with attributes and children (strings become text nodes, never HTML). */
  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach((name) => node.setAttribute(name, attributes[name]));
    (children || []).forEach((child) => {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function formatNumber(value) {
    try {
      return new Intl.NumberFormat("fr-FR").format(value);
    } catch (error) {
      return String(value);
    }
  }

  /** Length in characters as the server (Python) counts them: code points, not UTF-16 units. */
  function characterCount(text) {
    return Array.from(text).length;
  }

  function storeOpen(open) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, open ? "1" : "0");
    } catch (error) {
      // Storage disabled (privacy settings): the state is simply not kept.
    }
  }

  function storedOpen() {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY) === "1";
    } catch (error) {
      return false;
    }
  }

  // --- HTTP ----------------------------------------------------------------------------

  /** Same-origin JSON request. Never throws: {ok, status, data} (status 0 = network error). */
  async function request(method, path, body) {
    const options = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    };
    if (method !== "GET") {
      // The server only accepts JSON bodies on POST (this also keeps cross-site forms out).
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    let timer = null;
    if (typeof AbortController === "function") {
      const controller = new AbortController();
      options.signal = controller.signal;
      timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    }
    try {
      const response = await fetch(new URL(path, ROUTES_BASE).href, options);
      const data = await readJson(response);
      return { ok: response.ok, status: response.status, data };
    } catch (error) {
      return { ok: false, status: 0, data: null };
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
  }

  async function readJson(response) {
    try {
      const text = await response.text();
      return text ? JSON.parse(text) : null;
    } catch (error) {
      return null;
    }
  }

  /** The server's French sentence when it gave one, else the phone line from the config. */
  function errorText(result) {
    const data = result.data;
    if (data && typeof data.message === "string" && data.message.trim()) {
      return data.message.trim();
    }
    return TEXT.unavailable(state.config.phone, state.config.hours);
  }

  // --- validation of server data -----------------------------------------------------------

  function cleanButtons(buttons) {
    if (!Array.isArray(buttons)) return [];
    return buttons.filter((button) => button &&
      typeof button.title === "string" && button.title.trim() !== "" &&
      typeof button.payload === "string" && button.payload.trim() !== "");
  }

  /** Links the server attached to a reply (invoice downloads, the contact form): http(s) only. */
  function cleanLinks(links) {
    if (!Array.isArray(links)) return [];
    return links
      .filter((link) => link && typeof link.label === "string" && link.label.trim() !== "" &&
        typeof link.url === "string")
      .map((link) => ({ label: link.label.trim(), href: safeHttpUrl(link.url) }))
      .filter((link) => link.href !== null);
  }

  function cleanBotReply(reply) {
    return {
      text: reply && typeof reply.text === "string" ? reply.text : "",
      buttons: cleanButtons(reply && reply.buttons),
      links: cleanLinks(reply && reply.links),
      // The answer's id for its rating, and whether the bot said goodbye.
      at: reply && typeof reply.at === "number" && Number.isFinite(reply.at) ? reply.at : null,
      closing: Boolean(reply && reply.closing === true),
    };
  }

  function cleanReplies(data) {
    if (!data || !Array.isArray(data.replies)) return null;
    return data.replies
      .map(cleanBotReply)
      .filter((reply) => reply.text !== "" || reply.buttons.length > 0 || reply.links.length > 0);
  }

  function cleanHistory(data) {
    if (!data || !Array.isArray(data.messages)) return null;
    return data.messages
      .filter((message) => message && (message.from === "user" || message.from === "bot"))
      .map((message) => (message.from === "bot"
        ? Object.assign({ from: "bot" }, cleanBotReply(message))
        : { from: "user", text: typeof message.text === "string" ? message.text : "", buttons: [], links: [] }));
  }

  function applyConfig(data) {
    if (!data) return false;
    const config = state.config;
    if (typeof data.phone === "string" && data.phone.trim()) config.phone = data.phone.trim();
    if (typeof data.hours === "string" && data.hours.trim()) config.hours = data.hours.trim();
    if (Number.isInteger(data.max_length) && data.max_length > 0) config.max_length = data.max_length;
    return true;
  }

  // --- text with links ---------------------------------------------------------------------

  /** Splits a URL candidate from the punctuation that follows it in the sentence. */
  function splitTrailing(candidate) {
    let url = candidate;
    let rest = "";
    for (;;) {
      const last = url.charAt(url.length - 1);
      const opener = CLOSERS[last];
      // A closing bracket belongs to the URL only when the URL opened it: (voir https://x/a_(b)).
      const unbalanced = opener !== undefined &&
        url.split(last).length > url.split(opener).length;
      if (url.length > 0 && (TRAILING_PUNCTUATION.includes(last) || unbalanced)) {
        rest = last + rest;
        url = url.slice(0, -1);
      } else {
        return { url, rest };
      }
    }
  }

  /** The normalised URL when it is a real http(s) URL, else null. */
  function safeHttpUrl(candidate) {
    if (!/^https?:\/\/\S+$/i.test(candidate)) return null;
    try {
      const url = new URL(candidate);
      const httpScheme = url.protocol === "http:" || url.protocol === "https:";
      return httpScheme && url.hostname ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function linkNode(href, label) {
    const link = el("a", {
      href,
      target: "_blank",
      rel: "noopener noreferrer",
      "aria-describedby": "rb-newtab-hint",
    });
    link.textContent = label;
    return link;
  }

  /** Appends text as text nodes, each reference in an unbreakable span. */
  function appendText(parent, text) {
    text.split(REFERENCE_SPLIT_RE).forEach((part, index) => {
      if (!part) return;
      parent.appendChild(index % 2 === 0
        ? document.createTextNode(part)
        : el("span", { class: "rb-nowrap" }, [part]));
    });
  }

  /** Appends text to parent as text nodes, http(s) URLs as links. Never parses HTML. */
  function appendRichText(parent, text) {
    text.split(URL_SPLIT_RE).forEach((part, index) => {
      if (!part) return;
      if (index % 2 === 0) {
        appendText(parent, part);
        return;
      }
      const pieces = splitTrailing(part);
      const href = safeHttpUrl(pieces.url);
      parent.appendChild(href ? linkNode(href, pieces.url) : document.createTextNode(pieces.url));
      if (pieces.rest) parent.appendChild(document.createTextNode(pieces.rest));
    });
  }

  // --- messages ----------------------------------------------------------------------------

  function scrollToBottom() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  /**
   * Scrolls down to the newest message, but never past `anchor` (the first bubble of the
   * answer being shown): a long answer is read from its start, not from its end.
   */
  function scrollToNewest(anchor) {
    if (!anchor || anchor.parentNode !== ui.log) {
      scrollToBottom();
      return;
    }
    const anchorTop = ui.log.scrollTop + anchor.getBoundingClientRect().top -
      ui.log.getBoundingClientRect().top - 8;
    ui.log.scrollTop = Math.min(ui.log.scrollHeight, Math.max(0, anchorTop));
  }

  /** Adds a node at the end of the conversation, above the typing indicator if shown. */
  function appendToLog(node, anchor) {
    const before = ui.typing.parentNode === ui.log ? ui.typing : null;
    ui.log.insertBefore(node, before);
    scrollToNewest(anchor);
    return node;
  }

  function clearLog() {
    while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
  }

  function textBlock(text, withLinks) {
    const block = el("div", { class: "rb-text" });
    if (withLinks) appendRichText(block, text);
    else block.textContent = text;
    return block;
  }

  function userBubble(text) {
    return el("div", { class: "rb-msg rb-user" }, [textBlock(text, false)]);
  }

  /** Download links and the contact form, as buttons under the text (built, never parsed). */
  function linkButtons(links) {
    const list = el("ul", { class: "rb-links", "aria-label": TEXT.links });
    links.forEach((link) => {
      const anchor = linkNode(link.href, "");
      appendText(anchor, link.label);
      anchor.className = "rb-link-button";
      list.appendChild(el("li", {}, [anchor]));
    });
    return list;
  }

  function botBubble(reply, extraClass) {
    const bubble = el("div", { class: "rb-msg rb-bot" + (extraClass ? " " + extraClass : "") });
    if (reply.text) bubble.appendChild(textBlock(reply.text, true));
    if (reply.links && reply.links.length) bubble.appendChild(linkButtons(reply.links));
    if (reply.buttons && reply.buttons.length) bubble.appendChild(quickReplies(reply.buttons));
    return bubble;
  }

  function quickReplies(buttons) {
    const group = el("div", { class: "rb-quick-group", role: "group", "aria-label": TEXT.quickReplies });
    buttons.forEach((button) => {
      const node = el("button", { type: "button", class: "rb-quick" }, [button.title]);
      node.addEventListener("click", () => {
        if (node.disabled || state.busy) return;
        node.classList.add("rb-quick-chosen");
        send(button.payload, button.title, "quick");
      });
      group.appendChild(node);
    });
    return group;
  }

  /** Older suggestions no longer apply once the conversation has moved on. */
  function disableQuickReplies() {
    ui.log.querySelectorAll(".rb-quick").forEach((button) => {
      button.disabled = true;
    });
  }

  /** An error line, announced at once (role="alert"), optionally with an action button. */
  function errorBubble(text, action) {
    const bubble = el("div", { class: "rb-msg rb-error", role: "alert" }, [textBlock(text, true)]);
    if (action) bubble.appendChild(el("div", { class: "rb-actions" }, [action]));
    return bubble;
  }

  function showWelcome() {
    appendToLog(botBubble({ text: TEXT.welcome }, "rb-welcome"));
  }

  function showLocalNotice(text) {
    // Keep only the latest local notice (too-long message): they would pile up otherwise.
    ui.log.querySelectorAll(".rb-local-notice").forEach((node) => node.remove());
    const notice = errorBubble(text);
    notice.classList.add("rb-local-notice");
    appendToLog(notice);
  }

  function showTyping(anchor) {
    appendToLog(ui.typing, anchor);
  }

  function hideTyping() {
    if (ui.typing.parentNode) ui.typing.parentNode.removeChild(ui.typing);
  }

  function renderHistory(messages) {
    if (!messages.length) {
      showWelcome();
      return;
    }
    let answer = null; // the bot messages since the customer's last message
    messages.forEach((message) => {
      if (message.from === "user") {
        if (answer) appendToLog(feedbackBar(answer));
        answer = [];
        // Only the suggestions after the customer's last message stay usable.
        disableQuickReplies();
        appendToLog(userBubble(message.text));
      } else {
        appendToLog(botBubble(message));
        if (answer) answer.push(message);
      }
    });
    if (answer) appendToLog(feedbackBar(answer));
  }

  function wait(milliseconds) {
    return new Promise((resolve) => setTimeout(resolve, milliseconds));
  }

  function reducedMotion() {
    return typeof window.matchMedia === "function" && window.matchMedia(REDUCED_MOTION).matches;
  }

  /**
   * The bubbles of one answer, one after the other with the typing dots in between (all
   * at once under reduced motion), the log held at the answer's first bubble.
   */
  async function showAnswer(replies) {
    const delay = reducedMotion() ? 0 : BUBBLE_DELAY_MS;
    let first = null;
    for (let index = 0; index < replies.length; index += 1) {
      if (index > 0 && delay) {
        showTyping(first);
        await wait(delay);
        hideTyping();
      }
      const bubble = botBubble(replies[index]);
      first = first || bubble;
      appendToLog(bubble, first);
      if (!isOpen()) countUnread(1);
    }
    appendToLog(feedbackBar(replies), first);
    if (replies.some((reply) => reply.closing) && !state.asked) {
      state.asked = true;
      appendToLog(satisfactionPrompt(), first);
    }
  }

  // --- ratings -------------------------------------------------------------------------------

  /**
   * 👍/👎 under an answer (the replies to one message), named by a bot message's `at`; an
   * empty placeholder when the answer has none (nothing to rate). A 👎 opens an optional
   * comment. The state is told by aria-pressed and announced in a status line.
   */
  function feedbackBar(replies) {
    const named = replies.filter((reply) => reply.at !== null);
    if (!named.length) return document.createTextNode("");
    const answerAt = named[named.length - 1].at;
    const status = el("p", { class: "rb-feedback-status", role: "status" });
    const up = thumb(ICONS.thumbUp, TEXT.helpful);
    const down = thumb(ICONS.thumbDown, TEXT.notHelpful);
    const bar = el("div", { class: "rb-feedback", role: "group", "aria-label": TEXT.rateAnswer },
      [el("div", { class: "rb-thumbs" }, [up, down]), status]);

    async function rate(rating, comment) {
      const chosen = rating === "up" ? up : down;
      const other = rating === "up" ? down : up;
      const before = [up.getAttribute("aria-pressed"), down.getAttribute("aria-pressed")];
      chosen.setAttribute("aria-pressed", "true");
      other.setAttribute("aria-pressed", "false");
      const body = { answer_at: answerAt, rating };
      if (comment !== undefined) body.comment = comment;
      const result = await request("POST", "chat/feedback", body);
      if (!result.ok) {
        up.setAttribute("aria-pressed", before[0]);
        down.setAttribute("aria-pressed", before[1]);
        status.textContent = errorText(result);
        return false;
      }
      status.textContent = comment ? TEXT.thanksComment : TEXT.thanks;
      return true;
    }

    up.addEventListener("click", () => {
      const form = bar.querySelector(".rb-comment");
      if (form) form.remove();
      rate("up");
    });
    down.addEventListener("click", async () => {
      if (down.getAttribute("aria-pressed") === "true") return;
      if (await rate("down") && !bar.querySelector(".rb-comment")) {
        const form = commentForm((comment) => rate("down", comment));
        bar.insertBefore(form, status);
        form.querySelector("input").focus();
      }
    });
    return bar;
  }

  function thumb(paths, label) {
    return el("button", { type: "button", class: "rb-thumb", "aria-label": label, title: label,
      "aria-pressed": "false" }, [icon(paths)]);
  }

  let commentCount = 0;

  /** The optional comment after a 👎: one line, sent with Enter or its button. */
  function commentForm(send) {
    commentCount += 1;
    const id = `rb-comment-${commentCount}`;
    const input = el("input", { id, type: "text", class: "rb-comment-input", maxlength: "500",
      autocomplete: "off" });
    const form = el("form", { class: "rb-comment", novalidate: "" }, [
      el("label", { for: id, class: "rb-comment-label" }, [TEXT.commentLabel]),
      el("div", { class: "rb-comment-row" }, [input,
        el("button", { type: "submit", class: "rb-comment-send" }, [TEXT.commentSend])]),
    ]);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const comment = input.value.trim();
      if (!comment) return;
      if (await send(comment)) {
        form.remove();
        focusInput();
      }
    });
    return form;
  }

  /** « Comment s'est passée cette conversation ? »: one click from 1 to 5, or « Non merci ». */
  function satisfactionPrompt() {
    const status = el("p", { class: "rb-feedback-status", role: "status" });
    const scores = [1, 2, 3, 4, 5].map((value) =>
      el("button", { type: "button", class: "rb-score", "aria-label": TEXT.scores[value - 1] },
        [String(value)]));
    const dismiss = el("button", { type: "button", class: "rb-dismiss" }, [TEXT.dismiss]);
    const prompt = el("div", { id: "rb-satisfaction", class: "rb-satisfaction", role: "group",
      "aria-labelledby": "rb-satisfaction-question" }, [
      el("p", { id: "rb-satisfaction-question", class: "rb-satisfaction-question" },
        [TEXT.satisfaction]),
      el("div", { class: "rb-scores" }, scores),
      el("p", { class: "rb-scale", "aria-hidden": "true" },
        [el("span", {}, [TEXT.scoreLow]), el("span", {}, [TEXT.scoreHigh])]),
      dismiss,
      status,
    ]);
    scores.forEach((button, index) => button.addEventListener("click", async () => {
      const result = await request("POST", "chat/satisfaction", { score: index + 1 });
      if (!result.ok) {
        status.textContent = errorText(result);
        return;
      }
      prompt.replaceChildren(el("p", { class: "rb-feedback-status", role: "status" }, [TEXT.thanks]));
      focusInput();
    }));
    dismiss.addEventListener("click", () => {
      prompt.remove();
      focusInput();
    });
    return prompt;
  }

  // --- unread badge --------------------------------------------------------------------------

  function countUnread(added) {
    state.unread = added ? state.unread + added : 0;
    ui.badge.textContent = state.unread ? String(Math.min(state.unread, 99)) : "";
    ui.badge.hidden = state.unread === 0;
    const label = state.unread ? `${TEXT.launcher} (${TEXT.unread(state.unread)})` : TEXT.launcher;
    ui.launcher.setAttribute("aria-label", label);
  }

  // --- loading config and history ----------------------------------------------------------

  async function loadConfig() {
    const result = await request("GET", "chat/config");
    if (result.ok && applyConfig(result.data)) state.configLoaded = true;
  }

  async function loadHistory() {
    state.history = "loading";
    clearLog();
    ui.log.setAttribute("aria-busy", "true");
    const note = appendToLog(el("p", { class: "rb-loading" }, [TEXT.loading]));
    const result = await request("GET", "chat/history");
    note.remove();
    const messages = result.ok ? cleanHistory(result.data) : null;
    if (messages) {
      state.history = "done";
      renderHistory(messages);
    } else {
      // Retried on the next opening, as long as nothing was sent in between.
      state.history = "failed";
      showWelcome();
    }
    ui.log.removeAttribute("aria-busy");
    scrollToBottom();
  }

  /** Loads the config and the history once (again after a failure); returns a promise. */
  function ensureLoaded() {
    if (state.loading) return state.loading;
    const jobs = [];
    if (!state.configLoaded) jobs.push(loadConfig());
    const historyNeeded = state.history === "idle" ||
      (state.history === "failed" && !state.dirty && !state.busy);
    if (historyNeeded) jobs.push(loadHistory());
    if (!jobs.length) return Promise.resolve();
    state.loading = Promise.all(jobs).finally(() => {
      state.loading = null;
    });
    return state.loading;
  }

  // --- sending -------------------------------------------------------------------------------

  /**
   * While a request runs, only what would start another one waits: the input stays
   * enabled and focused (the customer types on, Escape still closes, a phone keyboard
   * stays up), messages sent meanwhile queue. The header's reset and « Réessayer » are
   * disabled: they must not cross a message in flight.
   */
  function setBusy(busy) {
    state.busy = busy;
    ui.newButton.disabled = busy;
    const retry = document.getElementById("rb-retry");
    if (retry) retry.disabled = busy;
  }

  function focusInput() {
    ui.input.focus();
  }

  /** True when the focus fell off a control that got disabled or removed. */
  function focusWasLost() {
    const active = document.activeElement;
    return !active || active === document.body || (ui.panel.contains(active) && active.disabled);
  }

  /** Runs one request-making task at a time, then the messages queued meanwhile. */
  async function runBusy(task) {
    if (state.busy) return;
    const hadFocus = ui.panel.contains(document.activeElement);
    setBusy(true);
    try {
      // The history must be on screen before anything new is added below it.
      if (state.loading) await state.loading;
      await task();
    } finally {
      hideTyping();
      setBusy(false);
      if (hadFocus && isOpen() && focusWasLost()) focusInput();
    }
    const next = state.queue.shift();
    if (next) send(next.message, next.display, next.source, next.bubble);
  }

  function forgetFailed() {
    const failed = state.failed;
    state.failed = null;
    if (failed) failed.alert.remove();
    return failed;
  }

  /**
   * The customer's bubble, shown at once and marked pending. Sending again the message
   * that failed reuses its bubble (no duplicate); a different message replaces it.
   */
  function pendingBubble(message, display) {
    const failed = forgetFailed();
    if (failed && failed.message === message) {
      failed.bubble.classList.remove("rb-failed");
      failed.bubble.classList.add("rb-pending");
      return failed.bubble;
    }
    if (failed) failed.bubble.remove();
    const bubble = userBubble(display);
    bubble.classList.add("rb-pending");
    return appendToLog(bubble);
  }

  async function onSendSuccess(sent, replies) {
    sent.bubble.classList.remove("rb-pending");
    disableQuickReplies();
    await showAnswer(replies);
  }

  /**
   * The message that failed keeps its bubble and a « Réessayer » button; it goes back
   * into the input with the messages queued behind it, so that nothing typed is lost.
   */
  function onSendFailure(sent, result) {
    sent.bubble.classList.remove("rb-pending");
    sent.bubble.classList.add("rb-failed");
    const queued = state.queue.splice(0);
    queued.forEach((item) => item.bubble.remove());
    const lost = (sent.source === "input" ? [sent.message] : [])
      .concat(queued.map((item) => item.message));
    const typed = ui.input.value.trim();
    if (lost.length && !lost.includes(typed)) {
      setInput(lost.concat(typed ? [typed] : []).join("\n"));
    }
    const retry = el("button", { id: "rb-retry", type: "button", class: "rb-retry" }, [TEXT.retry]);
    retry.addEventListener("click", () => {
      const failed = state.failed;
      if (failed && !state.busy) {
        focusInput();
        send(failed.message, failed.display, failed.source);
      }
    });
    const alert = appendToLog(errorBubble(errorText(result), retry));
    state.failed = Object.assign({}, sent, { alert });
  }

  /**
   * Sends one message. `message` goes to the server; `display` is shown in the customer's
   * bubble (a quick reply sends its payload and shows its title); `source` is "input" or
   * "quick" (only a message typed in the input clears the input); `queuedBubble` is the
   * bubble a queued message already has.
   */
  function send(message, display, source, queuedBubble) {
    return runBusy(async () => {
      const length = characterCount(message);
      if (length > state.config.max_length) {
        if (queuedBubble) queuedBubble.remove();
        showLocalNotice(TEXT.tooLong(length, state.config.max_length));
        return;
      }
      state.dirty = true;
      // A queued message moves below the answer it waited for, where the history shows it.
      const bubble = queuedBubble ? appendToLog(queuedBubble) : pendingBubble(message, display);
      const sent = { message, display, source: queuedBubble ? "queue" : source, bubble };
      // Cleared at once: the customer may type the next message while this one travels.
      if (source === "input" && ui.input.value.trim() === message) clearInput();
      disableQuickReplies();
      showTyping();
      const result = await request("POST", "chat/messages", { message });
      hideTyping();
      const replies = result.ok ? cleanReplies(result.data) : null;
      if (replies) await onSendSuccess(sent, replies);
      else onSendFailure(sent, result);
    });
  }

  /** A message typed while an answer is on its way: shown at once, sent after it. */
  function enqueue(text) {
    const length = characterCount(text);
    if (length > state.config.max_length) {
      showLocalNotice(TEXT.tooLong(length, state.config.max_length));
      return;
    }
    const bubble = userBubble(text);
    bubble.classList.add("rb-pending");
    appendToLog(bubble);
    state.queue.push({ message: text, display: text, source: "queue", bubble });
    clearInput();
  }

  function submitInput() {
    const text = ui.input.value.trim();
    if (!text) {
      focusInput();
      return;
    }
    if (state.busy) enqueue(text);
    else send(text, text, "input");
  }

  function resetConversation() {
    return runBusy(async () => {
      const result = await request("POST", "chat/reset");
      if (!result.ok) {
        appendToLog(errorBubble(errorText(result)));
        return;
      }
      state.failed = null;
      state.history = "done";
      state.asked = false;
      clearLog();
      showWelcome();
    });
  }

  // --- input ---------------------------------------------------------------------------------

  /** The input grows with its text, up to its CSS max-height (then it scrolls). */
  function fitInput() {
    ui.input.style.height = "auto";
    ui.input.style.height = `${ui.input.scrollHeight + 4}px`;
  }

  function setInput(text) {
    ui.input.value = text;
    fitInput();
  }

  function clearInput() {
    setInput("");
  }

  // --- confirming a new conversation ---------------------------------------------------------

  function confirmingReset() {
    return !ui.confirm.hidden;
  }

  function askResetConfirmation() {
    if (state.busy) return;
    ui.confirm.hidden = false;
    ui.confirmNo.focus();
  }

  function closeResetConfirmation(confirmed) {
    ui.confirm.hidden = true;
    if (confirmed) {
      focusInput();
      resetConversation();
    } else {
      ui.newButton.focus();
    }
  }

  // --- opening and closing -------------------------------------------------------------------

  function isOpen() {
    return !ui.panel.hidden;
  }

  /** moveFocus is false when the panel is restored on page load (no focus stealing). */
  function openPanel(moveFocus) {
    ui.panel.hidden = false;
    ui.root.classList.add("rb-open");
    ui.launcher.setAttribute("aria-expanded", "true");
    storeOpen(true);
    countUnread(0);
    ensureLoaded();
    scrollToBottom();
    fitInput();
    if (moveFocus) focusInput();
  }

  function closePanel(returnFocus) {
    ui.confirm.hidden = true;
    ui.panel.hidden = true;
    ui.root.classList.remove("rb-open");
    ui.launcher.setAttribute("aria-expanded", "false");
    storeOpen(false);
    if (returnFocus) ui.launcher.focus();
  }

  // --- building --------------------------------------------------------------------------------

  function buildTyping() {
    const dots = [1, 2, 3].map(() => el("span", { class: "rb-dot", "aria-hidden": "true" }));
    return el("div", { id: "rb-typing", class: "rb-typing" },
      dots.concat([el("span", { class: "rb-sr-only" }, [TEXT.typing])]));
  }

  /** A 24×24 stroked icon from SVG path data (decorative: the button carries the name). */
  function icon(paths) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "rb-icon");
    paths.forEach((d) => {
      const path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }

  const ICONS = {
    // A pencil on a page: "start writing a new conversation".
    compose: ["M4 20h4l10.5-10.5a2.1 2.1 0 0 0-3-3L5 17v3z", "M13.5 7.5l3 3"],
    close: ["M6 6l12 12", "M18 6L6 18"],
    send: ["M4 12l16-8-6 16-2.5-6.5z", "M11.5 13.5L20 4"],
    thumbUp: ["M7 11v10H4a1 1 0 0 1-1-1v-8a1 1 0 0 1 1-1h3z",
      "M7 11l4-8a2.5 2.5 0 0 1 3 2.5V9h5.5a2 2 0 0 1 2 2.3l-1.3 8A2 2 0 0 1 18.2 21H7"],
    thumbDown: ["M17 13V3h3a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H17z",
      "M17 13l-4 8a2.5 2.5 0 0 1-3-2.5V15H4.5a2 2 0 0 1-2-2.3l1.3-8A2 2 0 0 1 5.8 3H17"],
  };

  function iconButton(id, className, label, paths) {
    return el("button", { id, type: "button", class: className, "aria-label": label, title: label },
      [icon(paths)]);
  }

  function buildConfirm() {
    ui.confirmYes = el("button", { id: "rb-confirm-yes", type: "button", class: "rb-confirm-yes" },
      [TEXT.confirmResetYes]);
    ui.confirmNo = el("button", { id: "rb-confirm-no", type: "button", class: "rb-confirm-no" },
      [TEXT.confirmResetNo]);
    ui.confirm = el("div", {
      id: "rb-confirm",
      class: "rb-confirm",
      role: "alertdialog",
      "aria-modal": "false",
      "aria-labelledby": "rb-confirm-text",
      hidden: "",
    }, [
      el("p", { id: "rb-confirm-text", class: "rb-confirm-text" }, [TEXT.confirmReset]),
      el("div", { class: "rb-confirm-actions" }, [ui.confirmYes, ui.confirmNo]),
    ]);
  }

  function buildUi() {
    ui.badge = el("span", { class: "rb-badge", "aria-hidden": "true", hidden: "" });
    ui.launcher = el("button", {
      id: "rb-launcher",
      type: "button",
      class: "rb-launcher",
      "aria-expanded": "false",
      "aria-controls": "rb-panel",
    }, [el("span", { class: "rb-launcher-text" }, [TEXT.launcher]), ui.badge]);

    ui.newButton = iconButton("rb-new", "rb-header-button", TEXT.newConversation, ICONS.compose);
    ui.closeButton = iconButton("rb-close", "rb-header-button", TEXT.close, ICONS.close);
    const header = el("div", { class: "rb-header" }, [
      el("h2", { id: "rb-title", class: "rb-title" }, [TEXT.title]),
      el("div", { class: "rb-header-actions" }, [ui.newButton, ui.closeButton]),
    ]);
    buildConfirm();

    // tabindex: the conversation scrolls, so keyboard users must be able to reach it.
    ui.log = el("div", {
      id: "rb-log",
      class: "rb-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": TEXT.logLabel,
      tabindex: "0",
    });
    ui.typing = buildTyping();

    ui.input = el("textarea", {
      id: "rb-input",
      class: "rb-input",
      rows: "1",
      autocomplete: "off",
      placeholder: TEXT.placeholder,
      "aria-describedby": "rb-input-hint",
    });
    ui.send = el("button", { id: "rb-send", type: "submit", class: "rb-send", "aria-label": TEXT.send,
      title: TEXT.send }, [icon(ICONS.send)]);
    ui.form = el("form", { class: "rb-form", novalidate: "" }, [
      el("label", { for: "rb-input", class: "rb-sr-only" }, [TEXT.inputLabel]),
      el("p", { id: "rb-input-hint", class: "rb-sr-only" }, [TEXT.inputHint]),
      ui.input,
      ui.send,
    ]);

    ui.panel = el("div", {
      id: "rb-panel",
      class: "rb-panel",
      role: "dialog",
      "aria-modal": "false",
      "aria-labelledby": "rb-title",
      hidden: "",
    }, [header, ui.confirm, ui.log, ui.form,
      el("p", { id: "rb-newtab-hint", class: "rb-sr-only" }, [TEXT.newTab])]);

    ui.root = el("div", { id: "rb-root", class: "rb-root" }, [ui.launcher, ui.panel]);
  }

  function onInputKeydown(event) {
    // Enter sends, Shift+Enter breaks the line; not while an IME composes a word.
    const composing = event.isComposing || event.keyCode === 229;
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.ctrlKey &&
        !event.metaKey && !composing) {
      event.preventDefault();
      submitInput();
    }
  }

  function onRootKeydown(event) {
    if ((event.key !== "Escape" && event.key !== "Esc") || !isOpen()) return;
    event.preventDefault();
    if (confirmingReset()) closeResetConfirmation(false);
    else closePanel(true);
  }

  function bindEvents() {
    ui.launcher.addEventListener("click", () => {
      if (isOpen()) closePanel(false);
      else openPanel(true);
    });
    ui.closeButton.addEventListener("click", () => closePanel(true));
    ui.newButton.addEventListener("click", askResetConfirmation);
    ui.confirmYes.addEventListener("click", () => closeResetConfirmation(true));
    ui.confirmNo.addEventListener("click", () => closeResetConfirmation(false));
    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitInput();
    });
    ui.input.addEventListener("keydown", onInputKeydown);
    ui.input.addEventListener("input", fitInput);
    ui.root.addEventListener("keydown", onRootKeydown);
    // The page's log-in or log-out started a new conversation on the server (the event
    // "rb:identity-changed"): the previous customer's messages leave the screen, and the
    // panel shows the new conversation's (empty) history.
    window.addEventListener("rb:identity-changed", () => {
      state.failed = null;
      state.dirty = false;
      state.history = "idle";
      state.asked = false;
      clearLog();
      if (isOpen()) ensureLoaded();
    });
  }

  /** Loads widget.css once; calls done when it is there (or failed, or is too slow). */
  function loadStylesheet(done) {
    const links = document.querySelectorAll('link[rel~="stylesheet"]');
    if (Array.prototype.some.call(links, (link) => link.href === CSS_URL)) {
      done();
      return;
    }
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      done();
    };
    const link = el("link", { rel: "stylesheet", href: CSS_URL });
    link.addEventListener("load", finish);
    link.addEventListener("error", finish);
    setTimeout(finish, CSS_WAIT_MS);
    (document.head || document.documentElement).appendChild(link);
  }

  function init() {
    if (document.getElementById("rb-root")) return; // included twice: the first one wins
    buildUi();
    bindEvents();
    // Hidden until styled, so that no unstyled button flashes on the page.
    ui.root.hidden = true;
    document.body.appendChild(ui.root);
    loadStylesheet(() => {
      ui.root.hidden = false;
    });
    if (storedOpen()) openPanel(false);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
