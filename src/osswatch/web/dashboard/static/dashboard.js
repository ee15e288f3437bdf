// osswatch dashboard: sorting and filtering the portfolio table in place, and showing only the triage
// fields a decision needs. No dependencies; every page works without this file (the links and forms
// go to the server), this only saves round trips.
"use strict";

(function () {
  document.documentElement.classList.add("js");

  function cellValue(row, index) {
    var cell = row.children[index];
    var raw = cell ? cell.getAttribute("data-value") : "";
    var number = Number(raw);
    return raw !== null && raw !== "" && !isNaN(number) ? number : (raw || "");
  }

  function sortTable(table, header) {
    var headers = Array.prototype.slice.call(header.parentNode.children);
    var index = headers.indexOf(header);
    var current = header.getAttribute("aria-sort");
    var natural = header.getAttribute("data-natural") === "desc" ? "descending" : "ascending";
    var direction = current ? (current === "ascending" ? "descending" : "ascending") : natural;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (x < y) { return -sign; }
      if (x > y) { return sign; }
      return a.getAttribute("data-name") < b.getAttribute("data-name") ? -1 : 1;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", direction);
  }

  function setUpSorting(table) {
    table.querySelectorAll("th[data-sort] a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        sortTable(table, link.parentNode);
        var url = new URL(link.href);
        history.replaceState(null, "", "?" + url.searchParams.toString());
      });
    });
  }

  function setUpFilter(input) {
    var table = document.querySelector(input.getAttribute("data-filter"));
    var empty = document.getElementById("filter-empty");
    if (!table) { return; }
    function apply() {
      var needle = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var hay = row.getAttribute("data-name") + " " + row.getAttribute("data-tags");
        var match = !needle || hay.indexOf(needle) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      if (empty) { empty.hidden = shown !== 0; }
    }
    input.addEventListener("input", apply);
  }

  function setUpTriage(form) {
    var select = form.querySelector("[data-triage-state]");
    var parts = form.querySelectorAll("[data-when]");
    function apply() {
      parts.forEach(function (part) {
        var shown = part.getAttribute("data-when") === select.value;
        part.hidden = !shown;
        part.querySelectorAll("input, select").forEach(function (field) {
          field.disabled = !shown;
          field.required = shown;
        });
      });
    }
    select.addEventListener("change", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(setUpSorting);
    document.querySelectorAll("input[data-filter]").forEach(setUpFilter);
    document.querySelectorAll(".triage-form").forEach(setUpTriage);
  });
}());
