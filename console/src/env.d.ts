// Style sheets are bundled by esbuild (console/build.mjs); importing one has no value.
declare module '*.css';
