import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { DEV_SCOPES } from '../web-config.js';

export class DevTokenDto {
  @IsString({ message: 'sub must be a string' })
  @Matches(/^\S{1,255}$/, { message: 'sub must be 1 to 255 characters without spaces' })
  sub: string;

  @IsArray({ message: 'scopes must be a list' })
  @ArrayMaxSize(DEV_SCOPES.length, { message: `scopes must be some of ${DEV_SCOPES.join(', ')}` })
  @IsIn(DEV_SCOPES, { each: true, message: `scopes must be some of ${DEV_SCOPES.join(', ')}` })
  scopes: string[];

  @IsArray({ message: 'groups must be a list' })
  @ArrayMaxSize(10, { message: 'groups must have at most 10 entries' })
  @IsString({ each: true, message: 'groups must be names' })
  @Length(1, 100, { each: true, message: 'groups must be names of 1 to 100 characters' })
  @Matches(/^[^,]+$/, { each: true, message: 'groups must not contain commas' })
  groups: string[];

  /** A site the development issuer serves; its first one when left out. */
  @IsOptional()
  @IsString({ message: 'site must be a site id' })
  @Matches(/^[a-z0-9-]{1,40}$/, { message: 'site must be a site id' })
  site?: string;

  /** "Signed in with a second factor": the token gets `acr`, `amr` and `auth_time` (now), for step-up. */
  @IsOptional()
  @IsBoolean({ message: 'secondFactor must be true or false' })
  secondFactor?: boolean;
}
