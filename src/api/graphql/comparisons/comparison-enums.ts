import { registerEnumType } from '@nestjs/graphql';

export enum ComparisonOutcomeEnum {
  IDENTICAL = 'IDENTICAL',
  DIFFERENT = 'DIFFERENT',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
}

export enum ComparisonDifferenceEnum {
  STATUS = 'STATUS',
  STATUS_CODE = 'STATUS_CODE',
  BODY = 'BODY',
  HEADERS = 'HEADERS',
}

registerEnumType(ComparisonOutcomeEnum, {
  name: 'ComparisonOutcome',
  description: 'What comparing a candidate run with the original found.',
  valuesMap: {
    IDENTICAL: { description: 'Same status, status code, body and headers (volatile headers and durations aside).' },
    DIFFERENT: { description: 'Something differs: see `differences`.' },
    FAILED: { description: 'The candidate could not be run (refused by the platform: throttled, rate-limited, …): nothing to compare.' },
    SKIPPED: { description: 'Not run: see `reason` (not replayable, not found, or the node was saturated for shadow traffic).' },
  },
});
registerEnumType(ComparisonDifferenceEnum, {
  name: 'ComparisonDifference',
  description: 'Where two results differ.',
  valuesMap: {
    STATUS: { description: 'The invocation status, or the error type of a failure.' },
    STATUS_CODE: { description: 'The HTTP status code of two successful results.' },
    BODY: { description: 'The body: JSON structurally, text byte for byte, binary by hash; also a body that could not be compared.' },
    HEADERS: { description: 'A header, volatile ones (date, ids, tracing, x-fngraph-*) left out.' },
  },
});
