import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

const RETENTION_DOC = '"Vĩnh viễn" or a number of years (10, "10 năm")';

export class CreateFilePlanLineDto {
  @ApiPropertyOptional({ enum: ['heading', 'subheading', 'entry'], default: 'entry' })
  @IsOptional()
  @IsIn(['heading', 'subheading', 'entry'])
  kind?: 'heading' | 'subheading' | 'entry';

  @ApiProperty() @IsString() @MinLength(2) @MaxLength(500) title: string;

  @ApiPropertyOptional({ description: 'Headings: abbreviation used in notations (TCCB)' })
  @IsOptional()
  @Matches(/^[\p{Lu}\d]{1,15}$/u)
  abbreviation?: string;

  @ApiPropertyOptional({ description: 'Sub-headings and entries: their heading' })
  @IsOptional()
  @IsUUID()
  headingId?: string;

  @ApiPropertyOptional({ description: 'Entries: their sub-heading, if any' })
  @IsOptional()
  @IsUUID()
  subheadingId?: string;

  @ApiPropertyOptional({ example: '01.TCCB', description: 'Entries; generated as NN.ABBR when omitted' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  notation?: string;

  @ApiPropertyOptional({ description: RETENTION_DOC })
  @IsOptional()
  @ValidateIf((_, v) => typeof v !== 'number')
  @IsString()
  retention?: string | number;

  @ApiPropertyOptional() @IsOptional() @IsUUID() responsibleUnitId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() responsiblePersonId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) notes?: string;
}

export class UpdateFilePlanLineDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(2) @MaxLength(500) title?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[\p{Lu}\d]{1,15}$/u) abbreviation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) notation?: string;
  @ApiPropertyOptional({ description: RETENTION_DOC })
  @IsOptional()
  @ValidateIf((_, v) => typeof v !== 'number')
  @IsString()
  retention?: string | number;
  @ApiPropertyOptional() @IsOptional() @IsUUID() responsibleUnitId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() responsiblePersonId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) notes?: string;
}

export class FilePlanQuery {
  @ApiPropertyOptional({ description: 'Another visible agency (administrators)' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;
}
