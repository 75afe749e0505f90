'use strict';
// A stand-in for Google Cloud Functions' framework. Core modules only.
const Module = require('node:module');

// `require('@google-cloud/functions-framework')` gets this built-in stand-in unless the
// function depends on the real package: `functions.http(name, fn)` registers `fn` as an
// Express-style `(req, res)` handler, which the shim then calls.
const GCF_FRAMEWORK = '@google-cloud/functions-framework';
const httpFunctions = new Map();
const builtInFramework = Object.freeze({
  http(name, fn) {
    if (typeof fn !== 'function') throw new TypeError(`functions.http(${JSON.stringify(name)}, fn): fn must be a function`);
    httpFunctions.set(String(name), fn);
  },
  cloudEvent(name) {
    throw new TypeError(`functions.cloudEvent(${JSON.stringify(name)}): fngraph serves HTTP functions only`);
  },
  getFunction(name) {
    return httpFunctions.get(String(name));
  },
});
/** Puts the stand-in in front of `require` (once, at the shim's start). */
function installFrameworkStandIn() {
  const loadModule = Module._load;
  Module._load = function load(request, parent, isMain) {
    if (request !== GCF_FRAMEWORK) return loadModule.call(this, request, parent, isMain);
    if (!resolves(request, parent)) return builtInFramework;
    // The real framework (a dependency of the function): its registrations are seen too.
    const real = loadModule.call(this, request, parent, isMain);
    return Object.assign(Object.create(real), {
      http(name, fn) {
        builtInFramework.http(name, fn);
        return real.http(name, fn);
      },
    });
  };
}

function resolves(request, parent) {
  try {
    Module._resolveFilename(request, parent);
    return true;
  } catch {
    return false;
  }
}

/**
 * The function registered with `functions.http`: the one the entry point names
 * (`handler: "index.helloHttp"`), else the only one. A name that is not registered is an
 * export's (null: looked up as such).
 */
function registeredHttpFunction(wanted) {
  if (httpFunctions.size === 0) return null;
  if (typeof wanted === 'string' && wanted !== '') return httpFunctions.get(wanted) ?? null;
  if (httpFunctions.size === 1) return httpFunctions.values().next().value;
  throw new TypeError(`The module registers ${[...httpFunctions.keys()].join(', ')}: name one with \`handler\``);
}

/** Forgets what an earlier load registered (a module is loaded once per sandbox, but be exact). */
function forgetRegistrations() {
  httpFunctions.clear();
}

module.exports = { installFrameworkStandIn, registeredHttpFunction, forgetRegistrations };
