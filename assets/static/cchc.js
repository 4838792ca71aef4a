/* cchc — pages work without this; it only adds conveniences. */
"use strict";
document.addEventListener("submit", function (ev) {
	var form = ev.target;
	var msg = form.getAttribute("data-confirm");
	if (msg && !window.confirm(msg))
		ev.preventDefault();
});
