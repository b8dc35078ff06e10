"use strict";
// The agents' review queue (« À revoir »): what the bot missed, grouped by the intent the
// model found closest, each message labelled in one click with the right topic, or ignored.
// Every text is set with textContent: a customer's message is never read as HTML.
(function () {
  const $ = (id) => document.getElementById(id);

  const OUTCOMES = {
    fallback: "Non compris",
    clarification: "Question de précision",
    handover: "Passé à un conseiller",
    low_confidence: "Confiance faible",
    thumbs_down: "Réponse jugée inutile par le client",
  };

  let csrfToken = "";
  let intents = [];
  let itemCount = 0;

  async function call(path, body) {
    const options = { method: body === undefined ? "GET" : "POST", credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.headers = { "Content-Type": "application/json", "X-CSRF-Token": csrfToken };
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || "Le service ne répond pas. Réessayez dans un instant.");
    return data;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function topicOf(intent) {
    const found = intents.find((entry) => entry.intent === intent);
    return found ? found.topic : intent;
  }

  function intentSelect(id, selected) {
    const select = element("select");
    select.id = id;
    intents.forEach((entry) => {
      const option = element("option", "", entry.topic);
      option.value = entry.intent;
      select.append(option);
    });
    select.value = selected;
    return select;
  }

  /** After a label, the focus goes to the next message of the queue, else to the status. */
  function removeItem(item) {
    const list = item.parentElement;
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    if (!list.children.length) list.closest(".review-group").remove();
    if (next) next.querySelector("select").focus();
    else $("review-status").focus();
    if (!$("review-groups").children.length) $("review-status").textContent = "Rien à revoir pour le moment.";
  }

  async function label(item, intent) {
    item.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    try {
      await call("/agent/api/review/label", { id: item.dataset.id, intent });
      $("review-status").textContent = intent
        ? `Message étiqueté «\u00a0${topicOf(intent)}\u00a0».`
        : "Message ignoré.";
      removeItem(item);
    } catch (error) {
      $("review-status").textContent = error.message;
      item.querySelectorAll("button").forEach((button) => { button.disabled = false; });
    }
  }

  function renderItem(entry, closestIntent) {
    itemCount += 1;
    const item = element("li", "review-item");
    item.dataset.id = entry.id;
    const meta = element("p", "meta");
    const when = new Date(entry.at).toLocaleString("fr-FR");
    meta.append(element("span", "outcome", OUTCOMES[entry.outcome] || entry.outcome),
                element("span", "", `confiance ${Math.round(entry.confidence * 100)}\u00a0%`),
                element("span", "", when));
    item.append(element("p", "answer", entry.text), meta);
    if (entry.comment) item.append(element("p", "comment", `Commentaire du client\u00a0: ${entry.comment}`));
    const selectId = `review-intent-${itemCount}`;
    const select = intentSelect(selectId, closestIntent);
    const labelButton = element("button", "", "Étiqueter");
    labelButton.type = "button";
    labelButton.addEventListener("click", () => label(item, select.value));
    const ignore = element("button", "secondary", "Ignorer");
    ignore.type = "button";
    ignore.addEventListener("click", () => label(item, null));
    const field = element("label", "", "Bon sujet");
    field.htmlFor = selectId;
    const actions = element("div", "review-actions");
    actions.append(field, select, labelButton, ignore);
    item.append(actions);
    return item;
  }

  function render(data) {
    intents = data.intents || [];
    const groups = $("review-groups");
    groups.replaceChildren();
    data.groups.forEach((group) => {
      const section = element("section", "review-group");
      section.append(element("h3", "", `${group.topic} (${group.items.length})`));
      const list = element("ul", "review-items");
      group.items.forEach((entry) => list.append(renderItem(entry, group.closest_intent)));
      section.append(list);
      groups.append(section);
    });
    const count = data.groups.reduce((total, group) => total + group.items.length, 0);
    $("review-status").textContent = count
      ? `${count} message(s) à revoir.`
      : "Rien à revoir pour le moment.";
  }

  async function load() {
    $("review-status").textContent = "Chargement…";
    try {
      if (!csrfToken) csrfToken = (await call("/agent/api/me")).csrf_token || "";
      render(await call("/agent/api/review"));
    } catch (error) {
      $("review-status").textContent = error.message;
    }
  }

  // agent.js tells who is logged in (rb:agent); a new log-in has a new CSRF token.
  document.addEventListener("rb:agent", (event) => {
    csrfToken = "";
    if (event.detail && event.detail.loggedIn) load();
    else $("review-groups").replaceChildren();
  });
  $("review-reload").addEventListener("click", load);
  // agent.js may have shown the page before this script listened.
  if (!$("assistant").hidden) load();
})();
