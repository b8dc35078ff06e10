"use strict";
// The agents' review queue (« À revoir »): what the bot missed, grouped by the intent the
// model found closest, each message labelled in one click with the right topic, or ignored.
// The queue comes a page at a time (the last days chosen, newest first): « Afficher les plus
// anciennes » asks for the page after the last one shown and adds it below.
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
  // Where the next page starts (the API's `next`); null when the window holds no more.
  let nextPage = null;

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

  function shownCount() {
    return $("review-groups").querySelectorAll(".review-item").length;
  }

  function countText() {
    const count = shownCount();
    if (nextPage) {
      return count
        ? `${count} message(s) à revoir affichés\u00a0; d'autres, plus anciens, suivent.`
        : "Aucun message à revoir parmi les plus récents\u00a0; affichez les plus anciens.";
    }
    return count ? `${count} message(s) à revoir.` : "Rien à revoir pour le moment.";
  }

  function updateHeading(section) {
    const count = section.querySelectorAll(".review-item").length;
    section.querySelector("h3").textContent = `${section.dataset.topic} (${count})`;
  }

  /** After a label, the focus goes to the next message of the queue, else to the status. */
  function removeItem(item) {
    const section = item.closest(".review-group");
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    if (section.querySelector(".review-item")) updateHeading(section);
    else section.remove();
    if (next) next.querySelector("select").focus();
    else $("review-status").focus();
    if (!shownCount()) $("review-status").textContent = countText();
  }

  async function label(item, intent) {
    item.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    try {
      await call("/agent/api/review/label", { id: item.dataset.id, conversation: item.dataset.conversation, intent });
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
    item.dataset.conversation = entry.conversation;
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

  /** The section of this intent's group, created below the others when it is new. */
  function groupSection(group) {
    const found = [...$("review-groups").children].find((section) => section.dataset.intent === group.closest_intent);
    if (found) return found;
    const section = element("section", "review-group");
    section.dataset.intent = group.closest_intent;
    section.dataset.topic = group.topic;
    section.append(element("h3"), element("ul", "review-items"));
    $("review-groups").append(section);
    return section;
  }

  /** Shows a page: in place of what was shown, or below it (`more`). Returns the first new item. */
  function render(data, more) {
    intents = data.intents || [];
    if (!more) $("review-groups").replaceChildren();
    let first = null;
    data.groups.forEach((group) => {
      const section = groupSection(group);
      const list = section.querySelector(".review-items");
      group.items.forEach((entry) => {
        const item = renderItem(entry, group.closest_intent);
        list.append(item);
        first = first || item;
      });
      updateHeading(section);
    });
    nextPage = data.next || null;
    $("review-more").hidden = !nextPage;
    $("review-status").textContent = countText();
    return first;
  }

  function pagePath(before) {
    const query = new URLSearchParams({ days: $("review-days").value });
    if (before) query.set("before", before);
    return `/agent/api/review?${query}`;
  }

  async function load() {
    $("review-status").textContent = "Chargement…";
    try {
      if (!csrfToken) csrfToken = (await call("/agent/api/me")).csrf_token || "";
      render(await call(pagePath(null)), false);
    } catch (error) {
      $("review-status").textContent = error.message;
    }
  }

  /** The next page, below the shown ones; the focus goes to its first message (keyboard use). */
  async function loadMore() {
    const button = $("review-more");
    button.disabled = true;
    $("review-status").textContent = "Chargement…";
    try {
      const first = render(await call(pagePath(nextPage)), true);
      if (first) first.querySelector("select").focus();
      else if (button.hidden) $("review-status").focus();
    } catch (error) {
      $("review-status").textContent = error.message;
    } finally {
      button.disabled = false;
    }
  }

  // agent.js tells who is logged in (rb:agent); a new log-in has a new CSRF token.
  document.addEventListener("rb:agent", (event) => {
    csrfToken = "";
    if (event.detail && event.detail.loggedIn) load();
    else {
      $("review-groups").replaceChildren();
      $("review-more").hidden = true;
    }
  });
  $("review-reload").addEventListener("click", load);
  $("review-days").addEventListener("change", load);
  $("review-more").addEventListener("click", loadMore);
  // agent.js may have shown the page before this script listened.
  if (!$("assistant").hidden) load();
})();
