import { Injectable } from '@nestjs/common';

/** Connections the egress gateways of this node allowed and refused, since start-up (for metrics). */
@Injectable()
export class EgressStats {
  allowed = 0;
  denied = 0;
}
