/**
 * The script that starts GraphiQL in the browser (served as `/graphiql/graphiql-start.js`,
 * a file of its own so that the page's CSP allows no inline script).
 *
 * The credential is typed in the Headers editor, so headers are never stored: GraphiQL's
 * `shouldPersistHeaders` is off, and the storage it is given drops every `headers` it is
 * asked to keep — GraphiQL stores the headers of each history entry and favourite
 * whatever that setting says. Headers a former version of this page left in
 * localStorage are removed. Subscriptions go over graphql-ws on the same path; GraphiQL
 * hands the headers to the WebSocket's `connectionParams` (where fngraph reads
 * `Authorization`).
 */
export const GRAPHIQL_START_SCRIPT = String.raw`'use strict';
(function () {
  var NEVER_STORED = /^graphiql:(headers|shouldPersistHeaders)$/;

  function withoutHeaders(value) {
    try {
      return JSON.stringify(JSON.parse(value), function (key, kept) {
        return key === 'headers' ? null : kept;
      });
    } catch (notJson) {
      return value;
    }
  }

  function headerlessStorage(backing) {
    return {
      getItem: function (key) {
        return NEVER_STORED.test(key) ? null : backing.getItem(key);
      },
      setItem: function (key, value) {
        if (!NEVER_STORED.test(key)) backing.setItem(key, withoutHeaders(value));
      },
      removeItem: function (key) {
        backing.removeItem(key);
      },
      clear: function () {
        for (var i = backing.length - 1; i >= 0; i--) {
          var key = backing.key(i);
          if (key !== null && key.indexOf('graphiql:') === 0) backing.removeItem(key);
        }
      },
      get length() {
        return backing.length;
      },
    };
  }

  /** localStorage when the browser allows it (else nothing is kept), cleaned of any stored headers. */
  function storage() {
    var memory = {};
    var backing = {
      getItem: function (key) { return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null; },
      setItem: function (key, value) { memory[key] = String(value); },
      removeItem: function (key) { delete memory[key]; },
      key: function (i) { return Object.keys(memory)[i] || null; },
      get length() { return Object.keys(memory).length; },
    };
    try {
      if (window.localStorage) backing = window.localStorage;
    } catch (blocked) {}
    var kept = headerlessStorage(backing);
    backing.removeItem('graphiql:headers');
    backing.removeItem('graphiql:shouldPersistHeaders');
    ['graphiql:tabs', 'graphiql:queries', 'graphiql:favorites'].forEach(function (key) {
      var value = backing.getItem(key);
      if (value !== null) kept.setItem(key, value);
    });
    return kept;
  }

  var HINT = [
    '# fngraph GraphQL API',
    '#',
    '# Most operations need an API key: put it in the Headers tab below, as',
    '#   { "Authorization": "Bearer fng_..." }',
    '# Headers stay in this page only: they are never stored in the browser.',
    '',
    '{ me { subject roles } }',
    '',
  ].join('\n');

  var graphqlUrl = window.location.origin + '/graphql';
  var fetcher = GraphiQL.createFetcher({
    url: graphqlUrl,
    subscriptionUrl: graphqlUrl.replace(/^http/, 'ws'),
  });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      storage: storage(),
      shouldPersistHeaders: false,
      defaultQuery: HINT,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
    }),
  );
})();
`;
