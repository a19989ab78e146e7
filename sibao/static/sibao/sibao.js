/* Page behaviours declared with data- attributes, so that no page needs inline script or style
   (the Content-Security-Policy allows neither; issue 8 #9).
   - data-autosubmit            on a form control: submit its form when it changes
   - data-confirm="text"        on a form: ask before submitting; on a submit button: ask before it submits
   - data-confirm-if-filled="#field"  with data-confirm on a button: ask only when that field is not blank
   - data-print                 on a button: print the page
   - data-width="37"            set the element's width to 37 % (progress bars)
   - data-indent="2"            indent the element by 2 steps of 1.25rem (trees)
   - data-sidebar-toggle        on a button: fold the sidebar to icons or unfold it (kept in a cookie)
   - data-nav-group="key"       on a menu group's list: remember it folded or open (kept in a cookie)
   - table.table-cards          copy each column heading into its cells' data-label (cards below 576 px) */
(function () {
  "use strict";

  var YEAR = 60 * 60 * 24 * 365;

  function setCookie(name, value) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=" + YEAR + "; SameSite=Lax";
  }

  function labelTableCells(root) {
    root.querySelectorAll("table.table-cards").forEach(function (table) {
      var headings = [];
      table.querySelectorAll("thead th").forEach(function (th) {
        var span = parseInt(th.getAttribute("colspan"), 10) || 1;
        for (var i = 0; i < span; i += 1) {
          headings.push(th.textContent.trim());
        }
      });
      table.querySelectorAll("tbody > tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
            cell.setAttribute("data-label", headings[column] || "");
          }
          column += parseInt(cell.getAttribute("colspan"), 10) || 1;
        });
      });
    });
  }

  function closedGroups() {
    var closed = [];
    document.querySelectorAll("[data-nav-group]").forEach(function (list) {
      if (!list.classList.contains("show")) {
        closed.push(list.getAttribute("data-nav-group"));
      }
    });
    return closed.join(",");
  }

  function applyLayout(root) {
    labelTableCells(root);
    root.querySelectorAll("[data-width]").forEach(function (element) {
      var percent = Math.max(0, Math.min(100, parseFloat(element.dataset.width) || 0));
      element.style.width = percent + "%";
    });
    root.querySelectorAll("[data-indent]").forEach(function (element) {
      var steps = Math.max(0, parseInt(element.dataset.indent, 10) || 0);
      element.style.paddingLeft = steps * 1.25 + "rem";
    });
  }

  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.matches && control.matches("[data-autosubmit]") && control.form) {
      control.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button, input[type=submit]") : null;
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-sidebar-toggle")) {
      var folded = document.body.classList.toggle("sidebar-rail");
      button.setAttribute("aria-pressed", folded ? "true" : "false");
      setCookie("sibao_sidebar", folded ? "rail" : "open");
      return;
    }
    if (button.hasAttribute("data-print")) {
      event.preventDefault();
      window.print();
      return;
    }
    if (button.hasAttribute("data-confirm")) {
      var selector = button.getAttribute("data-confirm-if-filled");
      var field = selector ? document.querySelector(selector) : null;
      var needed = !selector || (field && field.value.trim() !== "");
      if (needed && !window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    applyLayout(document);
  });
  // Bootstrap's collapse events of the menu groups bubble up to the document.
  ["shown.bs.collapse", "hidden.bs.collapse"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.target.hasAttribute && event.target.hasAttribute("data-nav-group")) {
        setCookie("sibao_nav_closed", closedGroups());
      }
    });
  });
  // Content swapped in by htmx (e.g. an import's progress bar polled every second).
  document.addEventListener("htmx:load", function (event) {
    applyLayout(event.target.parentNode || document);
  });
})();
