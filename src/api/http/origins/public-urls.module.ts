import { Module } from '@nestjs/common';
import { PublicUrls } from './public-urls.js';

/** One `PublicUrls` for the GraphQL and REST APIs alike (the functions listener tells it its address). */
@Module({ providers: [PublicUrls], exports: [PublicUrls] })
export class PublicUrlsModule {}
