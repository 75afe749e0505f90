/** Channel on which every change of a function is announced (cache invalidation). */
export const functionChangedChannel = (functionId: string) => `function.${functionId}.changed`;

/** Channel for changes of any function, for caches keyed by name. */
export const FUNCTIONS_CHANGED_CHANNEL = 'functions.changed';

export interface FunctionChangedEvent {
  functionId: string;
  name: string;
  kind: 'registered' | 'versioned' | 'deleted';
}
