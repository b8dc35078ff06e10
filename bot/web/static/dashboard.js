"use strict";
// The agents' dashboard (GET /agent/api/stats): figure cards, hand-overs by reason, top
// topics, and the daily trend drawn as SVG here (no library, no inline style: the page's
// Content-Security-Policy is default-src 'self'). Loaded when the agent's page shows the
// assistant (after log-in); every text is set with textContent.
(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const REASONS = [
    ["asked", "À la demande du client"],
    ["failure", "Incompréhension ou hors sujet"],
    ["backend_down", "Service des comptes indisponible"],
    ["needed", "Cas confié aux conseillers (FAQ)"],
  ];
  const SERIES = [
    ["conversations", "Conversations"],
    ["handovers", "Passages à un conseiller"],
    ["fallbacks", "Incompréhensions"],
  ];
  let loaded = false;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, String(value)));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const number = (value) => value.toLocaleString("fr-FR");
  const percent = (rate) => rate === null || rate === undefined
    ? "–" : `${(rate * 100).toLocaleString("fr-FR", { maximumFractionDigits: 1 })}\u00a0%`;
  const shortDate = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;

  function card(title, value, detail) {
    const item = element("li", "card");
    item.append(element("p", "card-title", title), element("p", "card-value", value));
    if (detail) item.append(element("p", "card-detail", detail));
    return item;
  }

  function cards(figures) {
    const list = element("ul", "cards");
    const feedback = figures.feedback;
    const rated = feedback.thumbs_up + feedback.thumbs_down;
    const satisfaction = feedback.satisfaction;
    list.append(
      card("Conversations", number(figures.conversations), `${number(figures.messages.customer)} message(s) des clients`),
      card("Résolues sans conseiller", percent(figures.containment.rate),
           `${number(figures.containment.conversations)} conversation(s)`),
      card("Passages à un conseiller", percent(figures.handovers.rate),
           `${number(figures.handovers.conversations)} conversation(s)`),
      card("Incompréhensions", percent(figures.fallbacks.rate),
           `${number(figures.fallbacks.turns)} message(s), ${number(figures.fallbacks.unresolved_conversations)} conversation(s) sans suite`),
      card("Avis positifs / négatifs", `${number(feedback.thumbs_up)} / ${number(feedback.thumbs_down)}`,
           rated ? `${percent(feedback.thumbs_up_rate)} de positifs` : "Aucun avis"),
      card("Satisfaction", satisfaction.average === null ? "–" : satisfaction.average.toLocaleString("fr-FR", { maximumFractionDigits: 1 }),
           `${number(satisfaction.responses)} réponse(s)`),
    );
    return list;
  }

  function reasons(handovers) {
    const block = element("section", "panel");
    block.append(element("h3", "", "Passages à un conseiller, par motif"));
    const table = element("table", "reasons");
    const head = element("tr");
    ["Motif", "Conversations", "Part"].forEach((title) => {
      const cell = element("th", "", title);
      cell.scope = "col";
      head.append(cell);
    });
    table.append(head);
    const rows = REASONS.map(([key, label]) => [label, handovers.by_reason[key]]);
    rows.push(["Dont ligne téléphonique fermée", handovers.line_closed]);
    rows.forEach(([label, share]) => {
      const row = element("tr");
      const name = element("th", "", label);
      name.scope = "row";
      row.append(name, element("td", "", number(share.conversations)), element("td", "", percent(share.rate)));
      table.append(row);
    });
    block.append(table);
    return block;
  }

  function ranking(title, entries, empty) {
    const block = element("section", "panel");
    block.append(element("h3", "", title));
    if (!entries.length) {
      block.append(element("p", "hint", empty));
      return block;
    }
    const list = element("ol", "ranking");
    entries.forEach((entry) => {
      const item = element("li");
      item.append(element("span", "", entry.label), element("span", "count", number(entry.count)));
      list.append(item);
    });
    block.append(list);
    return block;
  }

  // The daily series as lines on a shared scale, a dot (with its figure as tooltip) per day.
  function trend(daily) {
    const width = 640, height = 240, left = 40, right = 28, top = 12, bottom = 28;
    // An even top, so that the middle line is a whole number too.
    const highest = 2 * Math.ceil(Math.max(1, ...daily.flatMap((day) => SERIES.map(([key]) => day[key]))) / 2);
    const step = daily.length > 1 ? (width - left - right) / (daily.length - 1) : 0;
    const x = (index) => left + index * step;
    const y = (value) => top + (height - top - bottom) * (1 - value / highest);
    const plot = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "trend", role: "img", "aria-labelledby": "trend-title" });
    plot.append(svg("title", { id: "trend-title" }, "Évolution par jour des conversations, des passages à un conseiller et des incompréhensions"));
    [0, highest / 2, highest].forEach((value) => {
      plot.append(svg("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), class: "grid" }));
      plot.append(svg("text", { x: left - 6, y: y(value) + 4, class: "axis axis-y" }, number(value)));
    });
    const every = Math.ceil(daily.length / 10);
    daily.forEach((day, index) => {
      if (index % every === 0) {
        plot.append(svg("text", { x: x(index), y: height - 8, class: "axis axis-x" }, shortDate(day.date)));
      }
    });
    SERIES.forEach(([key, label]) => {
      const points = daily.map((day, index) => `${x(index)},${y(day[key])}`).join(" ");
      plot.append(svg("polyline", { points, class: `series series-${key}` }));
      daily.forEach((day, index) => {
        const dot = svg("circle", { cx: x(index), cy: y(day[key]), r: 3.5, class: `dot series-${key}` });
        dot.append(svg("title", {}, `${label}, ${shortDate(day.date)}\u00a0: ${number(day[key])}`));
        plot.append(dot);
      });
    });
    return plot;
  }

  function legend() {
    const list = element("ul", "legend");
    SERIES.forEach(([key, label]) => {
      const item = element("li");
      item.append(element("span", `swatch series-${key}`), document.createTextNode(label));
      list.append(item);
    });
    return list;
  }

  function dailyTable(daily) {
    const details = element("details", "daily");
    details.append(element("summary", "", "Chiffres par jour"));
    const table = element("table");
    const head = element("tr");
    ["Jour", "Conversations", "Messages", "Résolues sans conseiller", "Passages à un conseiller", "Incompréhensions"]
      .forEach((title) => {
        const cell = element("th", "", title);
        cell.scope = "col";
        head.append(cell);
      });
    table.append(head);
    daily.forEach((day) => {
      const row = element("tr");
      const date = element("th", "", shortDate(day.date));
      date.scope = "row";
      row.append(date);
      [day.conversations, day.customer_messages, day.contained, day.handovers, day.fallbacks]
        .forEach((value) => row.append(element("td", "", number(value))));
      table.append(row);
    });
    details.append(table);
    return details;
  }

  function render(figures) {
    $("dashboard-from").value = figures.period.from;
    $("dashboard-to").value = figures.period.to;
    const trendBlock = element("section", "panel");
    trendBlock.append(element("h3", "", "Évolution par jour"), legend(), trend(figures.daily), dailyTable(figures.daily));
    $("dashboard-figures").replaceChildren(
      cards(figures),
      reasons(figures.handovers),
      ranking("Sujets les plus demandés", figures.top_intents, "Aucun message sur la période."),
      ranking("Sujets les plus souvent manqués", figures.top_missed, "Aucun message manqué sur la période."),
      trendBlock,
    );
  }

  async function load(from, to) {
    $("dashboard-error").textContent = "";
    const query = from && to ? `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` : "";
    try {
      const response = await fetch(`/agent/api/stats${query}`, { credentials: "same-origin" });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data.message || "Le tableau de bord ne répond pas. Réessayez.");
      render(data);
      loaded = true;
    } catch (error) {
      $("dashboard-error").textContent = error.message;
    }
  }

  $("dashboard-period").addEventListener("submit", (event) => {
    event.preventDefault();
    load($("dashboard-from").value, $("dashboard-to").value);
  });

  // The assistant's section is shown once the agent is logged in (agent.js): the figures
  // of the last seven days are loaded then, once.
  const assistant = $("assistant");
  const loadWhenShown = () => {
    if (!assistant.hidden && !loaded) load();
  };
  new MutationObserver(loadWhenShown).observe(assistant, { attributes: true, attributeFilter: ["hidden"] });
  loadWhenShown();
})();
