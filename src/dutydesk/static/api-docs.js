// Starts Swagger UI on /docs with Dutydesk's OpenAPI document. A file of its own rather than an
// inline script, so the page keeps the same Content-Security-Policy as every other page.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No validator badge: it would send the document to a public service.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
});
