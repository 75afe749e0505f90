import type { ModuleMetadata } from '@nestjs/common';

/**
 * A module handed to another module's `register`: how the root (`app.module.ts`) tells a
 * feature module which adapter provides each of its ports, and which feature modules it
 * works with. Feature modules never pick adapters themselves.
 */
export type ModuleImport = NonNullable<ModuleMetadata['imports']>[number];
