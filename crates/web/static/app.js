// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && form.classList.contains("confirm")) {
    if (!window.confirm(form.getAttribute("data-confirm") || "?")) {
      event.preventDefault();
    }
  }
});
