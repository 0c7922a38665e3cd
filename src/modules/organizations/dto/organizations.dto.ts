import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ROLES, type Role } from '../user.entity.js';

export const ORGAN_ID = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
export const ABBREVIATION = /^[\p{L}\d.]{1,20}$/u;

export class CreateAgencyDto {
  @ApiProperty({ example: '000.00.00.H42' })
  @Matches(ORGAN_ID, { message: 'organId must have the form 000.00.00.H42' })
  organId: string;
  @ApiProperty() @IsString() @MinLength(2) @MaxLength(200) name: string;
  @ApiProperty({ example: 'SNV' })
  @Matches(ABBREVIATION, { message: 'abbreviation: letters and digits, at most 20' })
  abbreviation: string;
  @ApiProperty({ enum: ['province', 'department', 'district', 'commune', 'other'] })
  @IsIn(['province', 'department', 'district', 'commune', 'other'])
  level: 'province' | 'department' | 'district' | 'commune' | 'other';
  @ApiPropertyOptional() @IsOptional() @IsUUID() parentId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) placeName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) governingBodyName?: string;
}

export class UpdateAgencyDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(2) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ABBREVIATION) abbreviation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) placeName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) governingBodyName?: string;
}

export class MoveAgencyDto {
  @ApiProperty() @IsUUID() parentId: string;
}

export class MergeAgencyDto {
  @ApiProperty() @IsUUID() intoId: string;
}

export class CreateUnitDto {
  @ApiProperty() @IsString() @MinLength(2) @MaxLength(200) name: string;
  @ApiProperty({ example: 'TCCB' }) @Matches(ABBREVIATION) abbreviation: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() parentUnitId?: string;
}

export class RoleGrantDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role: Role;
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() includeDescendants?: boolean;
}

export class CreateUserDto {
  @ApiProperty()
  @Matches(/^[a-z0-9][a-z0-9._-]{1,63}$/, { message: 'username: lowercase letters, digits, . _ -' })
  username: string;
  @ApiProperty() @IsString() @MinLength(2) @MaxLength(100) fullName: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
  @ApiProperty() @IsUUID() agencyId: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) password: string;
  @ApiProperty({ type: [RoleGrantDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RoleGrantDto)
  roles: RoleGrantDto[];
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(2) @MaxLength(100) fullName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ type: [RoleGrantDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RoleGrantDto)
  roles?: RoleGrantDto[];
}

/** A new password an administrator sets for a user who lost theirs (every session of the user ends). */
export class ResetPasswordDto {
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) newPassword: string;
}

export class ListUsersQuery {
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES as unknown as string[]) role?: Role;
  @ApiPropertyOptional() @IsOptional() @IsUUID() agencyId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) q?: string;
}
