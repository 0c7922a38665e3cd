import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { URGENCIES } from '../document.entity.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value);

/** The incoming form asks before registering (appendix VI: warn of a duplicate sender + number + date). */
export class IncomingDuplicatesQuery {
  @ApiProperty({ example: 'Bộ Nội vụ' })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  senderName: string;

  @ApiProperty({ example: '15/BNV-VP' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(42)
  originalNumber: string;

  @ApiPropertyOptional({ example: '2026-11-20' })
  @IsOptional()
  @Matches(DATE, { message: 'originalDate must be yyyy-MM-dd' })
  originalDate?: string;
}

/**
 * A later correction of a registered document's metadata (appendix VI: "add metadata later"). Only the fields
 * given change; the number and notation given by our own register are not correctable here (Decree 30/2020,
 * art. 15: numbers are gap-free and never reused).
 */
export class CorrectMetadataDto {
  @ApiProperty({ description: 'Why the metadata is corrected (kept in the trail)' })
  @Transform(trim)
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;

  @ApiPropertyOptional() @Transform(trim) @IsOptional() @IsString() @MinLength(3) @MaxLength(500) subject?: string;
  @ApiPropertyOptional() @Transform(trim) @IsOptional() @IsString() @MaxLength(500) description?: string;
  @ApiPropertyOptional() @Transform(trim) @IsOptional() @IsString() @MaxLength(100) signerName?: string;
  @ApiPropertyOptional() @Transform(trim) @IsOptional() @IsString() @MaxLength(100) signerTitle?: string;
  @ApiPropertyOptional() @Transform(trim) @IsOptional() @IsString() @MinLength(2) @MaxLength(30) language?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(999) pageCount?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(999) issuedAmount?: number;

  @ApiPropertyOptional({ enum: [...URGENCIES, 'normal'] })
  @IsOptional()
  @IsIn([...URGENCIES, 'normal'])
  urgency?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Reply or handling deadline; null clears it' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(DATE, { message: 'dueDate must be yyyy-MM-dd' })
  dueDate?: string | null;

  @ApiPropertyOptional({ description: 'Incoming only: the sender (OrganName)' })
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  senderName?: string;

  @ApiPropertyOptional({ description: "Incoming only: the sender's number and notation" })
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(42)
  originalNumber?: string;

  @ApiPropertyOptional({ description: "Incoming only: the sender's document date" })
  @IsOptional()
  @Matches(DATE, { message: 'originalDate must be yyyy-MM-dd' })
  originalDate?: string;
}
