// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && form.classList.contains("confirm")) {
    if (!window.confirm(form.getAttribute("data-confirm") || "?")) {
      event.preventDefault();
    }
  }
});

// Unit pickers follow the record's date: each offers the units valid on
// the date typed, of the kinds the field takes (its data-unit-kinds; the
// page lists every unit with its days and kind in #unit-choices). Without this file, the form's "Cập nhật danh sách đơn
// vị" button has the server draw the lists again.
(function () {
  var form = document.querySelector("form[data-units-date]");
  var data = document.getElementById("unit-choices");
  if (!form || !data) {
    return;
  }
  var dateInput = document.getElementById(form.getAttribute("data-units-date"));
  var units;
  try {
    units = JSON.parse(data.textContent);
  } catch (e) {
    return;
  }
  if (!dateInput || !Array.isArray(units)) {
    return;
  }
  // The server's date reader: 05/02/2024, 5/2/2024 or 2024-02-05.
  function isoDate(text) {
    var s = text.trim();
    var m = /^(\d{1,4})\/(\d{1,4})\/(\d{4})$/.exec(s);
    var y, mo, d;
    if (m) {
      d = +m[1]; mo = +m[2]; y = +m[3];
    } else {
      m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      if (!m) {
        return null;
      }
      y = +m[1]; mo = +m[2]; d = +m[3];
    }
    var probe = new Date(Date.UTC(y, mo - 1, d));
    if (y < 1000 || probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
      return null;
    }
    function pad(n, w) {
      var t = String(n);
      while (t.length < w) {
        t = "0" + t;
      }
      return t;
    }
    return pad(y, 4) + "-" + pad(mo, 2) + "-" + pad(d, 2);
  }
  function validOn(u, day) {
    return (!u.f || u.f <= day) && (!u.t || day <= u.t);
  }
  var shownFor = null;
  function reoffer() {
    var day = isoDate(dateInput.value);
    // A date being typed offers nothing new until it reads as one.
    if (!day || day === shownFor) {
      return;
    }
    shownFor = day;
    var pickers = form.querySelectorAll("select[data-units]");
    for (var i = 0; i < pickers.length; i++) {
      var select = pickers[i];
      var kinds = (select.getAttribute("data-unit-kinds") || "").split(" ").filter(Boolean);
      var chosen = {};
      var blank = null;
      for (var j = 0; j < select.options.length; j++) {
        var o = select.options[j];
        if (o.value === "") {
          blank = o.textContent;
        } else if (o.selected) {
          chosen[o.value] = true;
        }
      }
      while (select.options.length) {
        select.remove(0);
      }
      if (blank !== null) {
        select.add(new Option(blank, "", false, Object.keys(chosen).length === 0));
      }
      for (var k = 0; k < units.length; k++) {
        var u = units[k];
        // What was chosen stays, so that the server can say why it no
        // longer fits.
        var ofKind = kinds.length === 0 || kinds.indexOf(u.k) >= 0;
        if ((validOn(u, day) && ofKind) || chosen[u.c]) {
          select.add(new Option(u.l, u.c, false, !!chosen[u.c]));
        }
      }
    }
  }
  dateInput.addEventListener("input", reoffer);
  dateInput.addEventListener("change", reoffer);
  shownFor = isoDate(dateInput.value);
  var refresh = document.getElementById("refresh-units");
  var hint = document.getElementById("refresh-units-hint");
  if (refresh) {
    refresh.hidden = true;
  }
  if (hint) {
    hint.hidden = true;
  }
})();
