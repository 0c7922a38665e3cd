import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { COPY_FORMS } from '../document-copy.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value);

export class CreateCopyDto {
  @ApiProperty({ enum: COPY_FORMS, description: 'Decree 30/2020, art. 25: sao y, sao lục, trích sao' })
  @IsIn(COPY_FORMS as unknown as string[])
  form: string;

  @ApiPropertyOptional({ example: '1-2,4', description: 'Trích sao: the pages of the original to copy' })
  @IsOptional()
  @Matches(/^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?){0,19}$/, { message: 'pages must look like 1-2,4' })
  pages?: string;

  @ApiPropertyOptional({ description: 'Nơi nhận of the copy' })
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(500)
  recipients?: string;

  @ApiPropertyOptional({ description: "PIN of the agency's key" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  pin?: string;
}
