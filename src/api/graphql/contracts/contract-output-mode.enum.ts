import { registerEnumType } from '@nestjs/graphql';

/** What a result that does not match a version's output schema does; the values are the registration document's spellings. */
export enum ContractOutputModeEnum {
  FLAG = 'flag',
  REFUSE = 'refuse',
}

registerEnumType(ContractOutputModeEnum, {
  name: 'ContractOutputMode',
  description: 'What a result that does not match the output schema does.',
  valuesMap: {
    FLAG: { description: 'Answered as usual; the violations are recorded on the invocation (`contractViolations`) and counted (the default).' },
    REFUSE: { description: 'The invocation FAILS (error type ContractViolation); HTTP callers get 502 OUTPUT_CONTRACT_VIOLATION.' },
  },
});
