/* boardpack dashboard: switch period, open a measure's chart, read points, table view, CSV.
   No library, no request: every figure is already in the page. */
(function () {
  "use strict";
  var each = function (selector, root, fn) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  };

  var select = document.getElementById("period");
  if (select) {
    select.addEventListener("change", function () {
      each("section.period", null, function (section) {
        section.hidden = section.getAttribute("data-period") !== select.value;
      });
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

    var csv = panel.querySelector("button.csv");
    csv.addEventListener("click", function () {
      var blob = new Blob([csv.getAttribute("data-csv")], { type: "text/csv;charset=utf-8" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = csv.getAttribute("data-file");
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
  });
}());
