// Starts Swagger UI on the page (a file of its own: the Content-Security-Policy runs no inline
// script). Same-origin requests carry the session cookie, so "Try it out" acts as the
// signed-in user.
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger',
  deepLinking: true,
  withCredentials: true,
  tryItOutEnabled: false,
});
