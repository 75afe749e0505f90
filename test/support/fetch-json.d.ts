// Tests read many JSON bodies whose shape the assertions check; typing each one would
// only restate the assertions.
declare global {
  interface Response {
    json(): Promise<any>;
  }
}

export {};
