import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** GET /api/search: `q` over metadata and content, with the document list's filters. */
export class SearchQuery {
  @ApiProperty({
    description:
      'Words (all on one page, or in the subject), "quoted phrases"; with or without diacritics, đ = d. E.g. quyet dinh, "Hà Nội"',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q: string;
  @ApiPropertyOptional({ enum: ['incoming', 'outgoing'] })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'])
  direction?: 'incoming' | 'outgoing';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10) typeCode?: string;
  @ApiPropertyOptional({ enum: ['normal', 'urgent', 'top-urgent', 'flash'] })
  @IsOptional()
  @IsIn(['normal', 'urgent', 'top-urgent', 'flash'])
  urgency?: string;
  @ApiPropertyOptional({ example: '2026-01-01' }) @IsOptional() @Matches(DATE) from?: string;
  @ApiPropertyOptional({ example: '2026-12-31' }) @IsOptional() @Matches(DATE) to?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(50) page?: number;
  @ApiPropertyOptional({ default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  pageSize?: number;
}
