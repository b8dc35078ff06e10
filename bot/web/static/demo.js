/*
 * Demo shop page: the demo log-in box (docs/web-api.md, "Demo log-in").
 * It stands for the shop's own log-in: the server keeps the identity in an HttpOnly
 * cookie, this script only shows who is logged in. Text goes through textContent only.
 */
(function () {
  "use strict";

  // Read synchronously: document.currentScript is null once this first run is over.
  const SCRIPT_SRC = (document.currentScript && document.currentScript.src) ||
    new URL("/static/demo.js", window.location.href).href;
  // demo.js lives in <base>/static/, the routes in <base>/demo/…
  const ROUTES_BASE = new URL("../", SCRIPT_SRC);

  const TEXT = {
    loggedIn: (customer) => `Connecté(e)\u00a0: ${customer.name} (${customer.customer_id})`,
    loggedOut: "Non connecté",
    choose: "Choisissez un client",
    listUnavailable: "Liste indisponible",
    customersFailed: "Les comptes de démonstration sont indisponibles pour le moment.",
    loginFailed: "La connexion a échoué. Réessayez dans un instant.",
    logoutFailed: "La déconnexion a échoué. Réessayez dans un instant.",
    noChoice: "Choisissez d'abord un client de démonstration.",
  };

  const ui = {};

  /** Same-origin JSON request. Never throws: {ok, status, data} (status 0 = network error). */
  async function request(method, path, body) {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    try {
      const response = await fetch(new URL(path, ROUTES_BASE).href, options);
      let data = null;
      try {
        const text = await response.text();
        data = text ? JSON.parse(text) : null;
      } catch (error) {
        data = null;
      }
      return { ok: response.ok, status: response.status, data };
    } catch (error) {
      return { ok: false, status: 0, data: null };
    }
  }

  /** The server started a new conversation: the chat widget clears its panel. */
  function announceIdentityChange() {
    window.dispatchEvent(new CustomEvent("rb:identity-changed"));
  }

  function serverMessage(result, fallback) {
    const data = result.data;
    return data && typeof data.message === "string" && data.message ? data.message : fallback;
  }

  function isCustomer(value) {
    return Boolean(value) && typeof value.customer_id === "string" && typeof value.name === "string";
  }

  function showFeedback(text) {
    ui.feedback.textContent = text || "";
  }

  let expiryTimer = null;

  /** When the log-in ends, the page asks the server again (which logs out) and says so. */
  function watchExpiry(data) {
    clearTimeout(expiryTimer);
    if (!data || !isCustomer(data.customer) || !Number.isFinite(data.expires_in)) return;
    expiryTimer = setTimeout(async () => {
      await loadMe();
      announceIdentityChange();
    }, Math.max(0, data.expires_in) * 1000 + 1000);
  }

  function showCustomer(customer) {
    if (isCustomer(customer)) {
      ui.status.textContent = TEXT.loggedIn(customer);
      ui.select.value = customer.customer_id;
    } else {
      ui.status.textContent = TEXT.loggedOut;
    }
  }

  function option(value, label) {
    const node = document.createElement("option");
    node.value = value;
    node.textContent = label;
    return node;
  }

  /** Returns false when the server is not in demo mode (no demo routes). */
  async function loadCustomers() {
    const result = await request("GET", "demo/customers");
    if (result.status === 404) return false;
    const customers = result.ok && result.data && Array.isArray(result.data.customers)
      ? result.data.customers.filter(isCustomer)
      : null;
    while (ui.select.firstChild) ui.select.removeChild(ui.select.firstChild);
    if (!customers) {
      ui.select.appendChild(option("", TEXT.listUnavailable));
      showFeedback(serverMessage(result, TEXT.customersFailed));
      return true;
    }
    ui.select.appendChild(option("", TEXT.choose));
    customers.forEach((customer) => {
      ui.select.appendChild(option(customer.customer_id, `${customer.name} (${customer.customer_id})`));
    });
    return true;
  }

  async function loadMe() {
    const result = await request("GET", "demo/me");
    showCustomer(result.ok && result.data ? result.data.customer : null);
    watchExpiry(result.ok ? result.data : null);
  }

  function setBusy(busy) {
    ui.login.disabled = busy;
    ui.logout.disabled = busy;
  }

  async function logIn() {
    const customerId = ui.select.value;
    if (!customerId) {
      showFeedback(TEXT.noChoice);
      ui.select.focus();
      return;
    }
    setBusy(true);
    const result = await request("POST", "demo/login", { customer_id: customerId });
    setBusy(false);
    if (result.ok && result.data && isCustomer(result.data.customer)) {
      showFeedback("");
      showCustomer(result.data.customer);
      watchExpiry(result.data);
      announceIdentityChange();
    } else {
      showFeedback(serverMessage(result, TEXT.loginFailed));
    }
  }

  async function logOut() {
    setBusy(true);
    const result = await request("POST", "demo/logout");
    setBusy(false);
    if (result.ok) {
      showFeedback("");
      showCustomer(null);
      watchExpiry(null);
      announceIdentityChange();
    } else {
      showFeedback(serverMessage(result, TEXT.logoutFailed));
    }
  }

  async function init() {
    ui.select = document.getElementById("demo-customer");
    ui.login = document.getElementById("demo-login");
    ui.logout = document.getElementById("demo-logout");
    ui.status = document.getElementById("demo-status");
    ui.feedback = document.getElementById("demo-feedback");
    ui.box = document.querySelector("section.account");
    if (!ui.box || !ui.select || !ui.login || !ui.logout || !ui.status || !ui.feedback) return;
    ui.login.addEventListener("click", logIn);
    ui.logout.addEventListener("click", logOut);
    // The list first, so that the logged-in customer can then be selected in it.
    if (!(await loadCustomers())) {
      // Not in demo mode: the shop's own log-in stands in its place.
      ui.box.hidden = true;
      return;
    }
    await loadMe();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
