// Dutydesk's own script. Every page works without it; it only adds conveniences.
"use strict";

// Tell the server the browser's time zone, so pages can show times in it where it differs
// from the team's. A cookie, read on the next page load; nothing else is sent anywhere.
(function rememberTimeZone() {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("dutydesk_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "dutydesk_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (error) {
    // An old browser without Intl time zones: times stay in the team's zone only.
  }
})();

// Copy buttons: <button data-copy="ID"> copies the value of the field with that id.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) { return; }
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) { return; }
  var status = document.getElementById(button.getAttribute("data-copy") + "-status");
  var done = function (message) { if (status) { status.textContent = message; } };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(
      function () { done("Copied to the clipboard."); },
      function () { field.select(); done("Press Ctrl+C (or ⌘C) to copy."); }
    );
  } else {
    field.select();
    done(document.execCommand && document.execCommand("copy") ? "Copied to the clipboard." : "Press Ctrl+C (or ⌘C) to copy.");
  }
});

// Copy buttons are hidden until this script runs (they need it).
document.documentElement.classList.add("js");
