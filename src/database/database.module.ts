import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { createDataSource } from './data-source.factory.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database),
        // main.ts has just opened the database (checkDatabase): a failure now is no typo to wait out,
        // and ten retries with a stack trace each would bury it.
        toRetry: () => false,
      }),
      dataSourceFactory: createDataSource,
    }),
  ],
})
export class DatabaseModule {}
