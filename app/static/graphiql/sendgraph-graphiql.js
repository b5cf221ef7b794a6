/*
 * sendgraph GraphiQL bootstrap (first-party, not vendored).
 *
 * Kept as a separate file rather than an inline <script> so the page works
 * under a strict Content-Security-Policy (script-src 'self').  The GraphQL
 * endpoint is read from the data-endpoint attribute of #graphiql, which the
 * server renders (see app/graphiql.py).
 *
 * Globals provided by the vendored UMD builds loaded before this file:
 *   React, ReactDOM (React 18), GraphiQL (graphiql 3.x),
 *   GraphiQLPluginExplorer (@graphiql/plugin-explorer 3.x, optional).
 */
(function () {
  "use strict";

  var container = document.getElementById("graphiql");
  if (!container) {
    return;
  }
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    container.textContent =
      "GraphiQL failed to load: its scripts could not be fetched from the server.";
    return;
  }

  var endpoint = container.getAttribute("data-endpoint") || "/graphql";

  var defaultQuery = [
    "# Welcome to sendgraph GraphiQL.",
    "#",
    "# To authenticate, open the Headers tab",
    "# below and paste:",
    "#",
    "#   {\"Authorization\": \"Bearer <token>\"}",
    "#",
    "# Run a query with Ctrl-Enter (Cmd-Enter",
    "# on macOS) or the play button.",
    "",
    "query {",
    "  __typename",
    "}",
    ""
  ].join("\n");

  var plugins = [];
  if (window.GraphiQLPluginExplorer && window.GraphiQLPluginExplorer.explorerPlugin) {
    plugins.push(window.GraphiQLPluginExplorer.explorerPlugin());
  }

  var fetcher = window.GraphiQL.createFetcher({ url: endpoint });

  container.textContent = "";
  window.ReactDOM.createRoot(container).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      plugins: plugins,
      defaultQuery: defaultQuery,
      isHeadersEditorEnabled: true,
      // Bearer tokens must not end up in localStorage by default.
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: "headers"
    })
  );
})();
