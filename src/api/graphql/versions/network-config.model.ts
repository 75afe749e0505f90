import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('NetworkConfig', {
  description: "Outbound network access of a version: off unless enabled, then only to what `allow` names, under the platform's deny-list.",
})
export class NetworkConfigModel {
  @Field()
  enabled: boolean;

  @Field(() => [String], { description: 'host, host:port, *.domain:port, CIDR, CIDR:port, [v6]:port; without a port: 80 and 443.' })
  allow: string[];
}
