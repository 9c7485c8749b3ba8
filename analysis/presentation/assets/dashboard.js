/* boardpack dashboard: switch period, open a measure's chart, read points, table view, CSV.
   No library, no request: every figure is already in the page. */
(function () {
  "use strict";
  var each = function (selector, root, fn) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  };

  // Without this script every period's picture is shown in turn, each chart beside its
  // table; with it, one period at a time (kept in the address, #period=YYYY-MM, so a reload
  // or a shared link shows the same one) and each chart behind its "Chart and data" button.
  each(".js-only", null, function (node) { node.hidden = false; });
  each(".no-js", null, function (node) { node.hidden = true; });
  each(".panel", null, function (panel) {
    panel.hidden = true;
    panel.querySelector(".table").hidden = true;
  });

  var select = document.getElementById("period");
  var show = function (period) {
    each("section.period", null, function (section) {
      var off = section.getAttribute("data-period") !== period;
      section.hidden = off;
      section.inert = off;  // never in the tab order while another period is shown
    });
  };
  var chosen = function () {
    var found = /^#(?:period=|d)(\d{4}-\d{2})$/.exec(window.location.hash);
    var ok = found && document.querySelector("section.period[data-period='" + found[1] + "']");
    return ok ? found[1] : (select ? select.options[0].value : "");
  };
  if (select) {
    select.value = chosen();
    show(select.value);
    select.addEventListener("change", function () {
      show(select.value);
      window.location.replace("#period=" + select.value);
    });
    window.addEventListener("hashchange", function () {
      select.value = chosen();
      show(select.value);
    });
  }

  each("input[name=show]", null, function (radio) {
    radio.addEventListener("change", function () {
      var name = radio.id.replace(/^show-/, "");
      each("tbody tr[class^='r-']", null, function (row) {
        row.hidden = name !== "all" && !row.classList.contains("r-" + name);
      });
    });
  });

  each("button.open", null, function (button) {
    button.addEventListener("click", function () {
      var panel = document.getElementById(button.getAttribute("aria-controls"));
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
    });
  });

  each(".panel", null, function (panel) {
    var svg = panel.querySelector("svg.spc");
    var readout = panel.querySelector(".readout");
    var points = svg ? Array.prototype.slice.call(svg.querySelectorAll(".pt")) : [];
    var current = points.length - 1;
    var say = function (i) {
      points.forEach(function (p) { p.classList.remove("on"); });
      if (points[i]) {
        points[i].classList.add("on");
        readout.textContent = points[i].getAttribute("data-text");
      }
    };
    if (svg) {
      svg.addEventListener("focus", function () { say(current); });
      svg.addEventListener("keydown", function (event) {
        if (event.key === "ArrowLeft" && current > 0) { current -= 1; }
        else if (event.key === "ArrowRight" && current < points.length - 1) { current += 1; }
        else if (event.key === "Home") { current = 0; }
        else if (event.key === "End") { current = points.length - 1; }
        else { return; }
        event.preventDefault();
        say(current);
      });
      points.forEach(function (p, i) {
        p.addEventListener("mouseenter", function () { current = i; say(i); });
      });
    }

    var view = panel.querySelector("button.view");
    view.addEventListener("click", function () {
      var asTable = view.getAttribute("aria-pressed") !== "true";
      view.setAttribute("aria-pressed", String(asTable));
      panel.querySelector(".chart").hidden = asTable;
      panel.querySelector(".table").hidden = !asTable;
    });

  });
}());
