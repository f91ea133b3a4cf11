// The interactive API page (/api-docs): Swagger UI on this host's OpenAPI document. No inline
// script (CSP script-src 'self'); no online validator (connect-src 'self').
(function () {
  var holder = document.getElementById("swagger-ui");
  if (!holder || typeof SwaggerUIBundle !== "function") { return; }
  window.sitecaseApiDocs = SwaggerUIBundle({
    url: holder.getAttribute("data-spec-url"),
    domNode: holder,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    onComplete: function () { holder.setAttribute("data-ready", "true"); }
  });
}());
