// The downloads made in the background (reporting/downloads.py).
// On the overview, a link marked data-prepare asks for the file at once (a POST, with this page's CSRF token,
// which the layout renders for each request); without the script the link opens a page with the same button.
// On a download's page, the progress bar follows the server's count of rows written, and the page is loaded
// again when the file is ready or the download failed, to offer the file or the way to try again.
(function () {
  "use strict";
  var POLL_MS = 1000;

  function startOnClick(link) {
    link.addEventListener("click", function (event) {
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      if (!token) return; // the page without the token: follow the link to the page with the button
      event.preventDefault();
      var form = document.createElement("form");
      form.method = "post";
      form.action = link.href;
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrfmiddlewaretoken";
      field.value = token.value;
      form.appendChild(field);
      document.body.appendChild(form);
      form.submit();
    });
  }

  function vnNumber(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function follow(box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    var label = box.querySelector("label");
    function poll() {
      fetch(box.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (status) {
          if (!status) return setTimeout(poll, POLL_MS * 5);
          if (status.state === "done" || status.state === "failed") {
            window.location.reload();
            return;
          }
          if (status.total > 0) {
            bar.max = status.total;
            bar.value = status.done;
            bar.textContent = vnNumber(status.done) + " / " + vnNumber(status.total);
            text.textContent = "Đã ghi " + vnNumber(status.done) + " / " + vnNumber(status.total) + " dòng.";
            label.textContent = "Đang ghi các dòng vào tệp…";
          } else if (status.state === "running") {
            label.textContent = "Đang đọc số liệu…";
          }
          setTimeout(poll, POLL_MS);
        })
        .catch(function () { setTimeout(poll, POLL_MS * 5); }); // the connection dropped: try again later
    }
    setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("a[data-prepare]").forEach(startOnClick);
    document.querySelectorAll("[data-download][data-state=waiting], [data-download][data-state=running]")
      .forEach(follow);
  });
})();
