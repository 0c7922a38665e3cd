import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

export class CreateDossierDto {
  @ApiPropertyOptional({ description: 'Open from this file plan entry' })
  @IsOptional()
  @IsUUID()
  filePlanEntryId?: string;

  @ApiPropertyOptional({ description: 'Outside the plan' })
  @ValidateIf((o: CreateDossierDto) => !o.filePlanEntryId)
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ example: '15.TCCB' })
  @ValidateIf((o: CreateDossierDto) => !o.filePlanEntryId)
  @IsString()
  @MaxLength(20)
  notation?: string;

  @ApiPropertyOptional({ description: '"Vĩnh viễn" or a number of years' })
  @ValidateIf((o: CreateDossierDto) => !o.filePlanEntryId && typeof o.retention !== 'number')
  @IsString()
  retention?: string | number;

  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsDateString() startDate?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() responsibleUnitId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(30) rights?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;
  @ApiPropertyOptional({ enum: ['confidential', 'secret', 'top-secret'] })
  @IsOptional()
  @IsIn(['confidential', 'secret', 'top-secret'])
  secrecy?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  readerIds?: string[];
}

export class UpdateDossierDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(2) @MaxLength(500) title?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((_, v) => typeof v !== 'number')
  @IsString()
  retention?: string | number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(30) rights?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) language?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsDateString() startDate?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() responsibleUnitId?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  readerIds?: string[];
}

export class AddItemDto {
  @ApiProperty() @IsUUID() documentId: string;
}

export class ListDossiersQuery {
  @ApiPropertyOptional({ enum: ['open', 'closed', 'due', 'submitted', 'archived', 'destroyed'] })
  @IsOptional()
  @IsIn(['open', 'closed', 'due', 'submitted', 'archived', 'destroyed'])
  state?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1900) @Max(2200) year?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() documentId?: string;
}

export class RetainDossierDto {
  @ApiProperty({
    format: 'date-time',
    description: 'Keep in the unit until this date (at most 2 years past the deadline)',
  })
  @IsDateString()
  until: string;
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(500) reason: string;
}

export class DestroyDossierDto {
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(500) reason: string;
}

export class CreateTransferDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  dossierIds: string[];
}

export class RejectTransferDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  reasons: string[];
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'xml'] }) @IsOptional() @IsIn(['pdf', 'xml']) format?: 'pdf' | 'xml';
}
