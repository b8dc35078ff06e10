"use strict";
// The agents' answer assistant: log-in, then ranked answers for a customer's message.
// Every text is set with textContent: a customer's message is never read as HTML.
(function () {
  const $ = (id) => document.getElementById(id);

  // The session's CSRF token (given at log-in and by /agent/api/me): every POST carries it,
  // which another site cannot do with the agent's cookie alone.
  let csrfToken = "";

  async function call(path, body) {
    const headers = body === undefined ? {} : { "Content-Type": "application/json", "X-CSRF-Token": csrfToken };
    const response = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(data.message || "Le service ne répond pas. Réessayez dans un instant.");
    }
    if (typeof data.csrf_token === "string") csrfToken = data.csrf_token;
    return data;
  }

  function show(loggedIn) {
    $("login-form").hidden = loggedIn;
    $("assistant").hidden = !loggedIn;
    $("agent-logout").hidden = !loggedIn;
    // The review queue (review.js) loads once an agent is logged in.
    document.dispatchEvent(new CustomEvent("rb:agent", { detail: { loggedIn } }));
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function copyButton(getText, onCopy) {
    const button = element("button", "copy", "Copier");
    button.type = "button";
    button.addEventListener("click", async () => {
      if (onCopy) onCopy();
      await navigator.clipboard.writeText(getText());
      button.textContent = "Copié ✓";
      setTimeout(() => { button.textContent = "Copier"; }, 1500);
    });
    return button;
  }

  function renderAccount(account, error) {
    const box = $("account");
    box.replaceChildren();
    box.hidden = !account && !error;
    if (error) box.append(element("p", "error", error));
    if (account) {
      const login = account.last_login_at ? new Date(account.last_login_at).toLocaleString("fr-FR") : "jamais";
      box.append(element("p", "", `${account.name} (${account.customer_id}) – ${account.email} – dernière connexion\u00a0: ${login}`));
    }
  }

  /**
   * An agent who uses suggestion 2 or 3 says what the message really was: recorded once as
   * a label of the message for the next training (the review queue's labels).
   */
  function labelWhenUsed(message, suggestion, first) {
    let recorded = false;
    return () => {
      if (recorded) return;
      recorded = true;
      call("/agent/api/review/assistant-label", {
        message, intent: suggestion.intent, predicted_intent: first.intent,
      }).catch(() => { recorded = false; });
    };
  }

  function renderSuggestions(data, message) {
    const list = $("suggestions");
    list.replaceChildren();
    data.suggestions.forEach((suggestion, rank) => {
      const item = element("li", "suggestion");
      const meta = element("p", "meta");
      meta.append(element("span", "intent", suggestion.topic || suggestion.intent),
                  element("span", "confidence", `confiance ${Math.round(suggestion.confidence * 100)}\u00a0%`));
      if (suggestion.low_confidence) meta.append(element("span", "low", "Confiance faible"));
      const answer = element("p", "answer", suggestion.text);
      const used = rank > 0 ? labelWhenUsed(message, suggestion, data.suggestions[0]) : null;
      item.append(meta, answer, copyButton(() => suggestion.text, used));
      list.append(item);
    });
    $("handover").textContent = data.handover;
    $("handover-block").hidden = false;
  }

  async function start() {
    try {
      await call("/agent/api/me");
      show(true);
    } catch (error) {
      show(false);
    }
  }

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      await call("/agent/login", { username: $("login-user").value, password: $("login-password").value });
      $("login-password").value = "";
      show(true);
      $("customer-message").focus();
    } catch (error) {
      $("login-error").textContent = error.message;
    }
  });

  $("agent-logout").addEventListener("click", async () => {
    await call("/agent/logout", {}).catch(() => {});
    show(false);
  });

  $("suggest-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("suggest-error").textContent = "";
    $("suggest").disabled = true;
    try {
      const message = $("customer-message").value;
      const data = await call("/agent/api/suggest", {
        message, customer_id: $("customer-id").value.trim() || null,
      });
      renderAccount(data.account, data.account_error);
      renderSuggestions(data, message);
    } catch (error) {
      $("suggest-error").textContent = error.message;
    } finally {
      $("suggest").disabled = false;
    }
  });

  $("ticket-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const reference = $("ticket-reference").value.trim().toUpperCase();
    $("ticket-result").textContent = "";
    $("ticket-error").textContent = "";
    if (!window.confirm(`Traiter le ticket ${reference}\u00a0? Une suppression de compte est définitive.`)) return;
    $("process-ticket").disabled = true;
    try {
      const data = await call(`/agent/api/tickets/${encodeURIComponent(reference)}/process`, {});
      $("ticket-result").textContent = data.account_erased
        ? `Ticket ${data.reference} traité\u00a0: compte effacé, ${data.conversations_erased} événement(s) de conversation effacé(s).`
        : `Ticket ${data.reference} («\u00a0${data.subject}\u00a0») marqué comme traité. Aucun compte à effacer.`;
    } catch (error) {
      $("ticket-error").textContent = error.message;
    } finally {
      $("process-ticket").disabled = false;
    }
  });

  document.querySelector("[data-copy=handover]").addEventListener("click", () =>
    navigator.clipboard.writeText($("handover").textContent));
  start();
})();
