import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ListRegistersQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2200) year?: number;
  @ApiPropertyOptional({ enum: ['outgoing', 'incoming'] })
  @IsOptional()
  @IsIn(['outgoing', 'incoming'])
  direction?: 'outgoing' | 'incoming';
}

export class RegisterRangeQuery {
  @ApiPropertyOptional({ example: '2026-01-01' })
  @IsOptional()
  @Matches(DATE, { message: 'from must be yyyy-MM-dd' })
  from?: string;
  @ApiPropertyOptional({ example: '2026-12-31' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be yyyy-MM-dd' })
  to?: string;
}

export class RegisterExportQuery extends RegisterRangeQuery {
  @ApiPropertyOptional({ enum: ['pdf', 'xlsx', 'csv'] })
  @IsOptional()
  @IsIn(['pdf', 'xlsx', 'csv'])
  format?: 'pdf' | 'xlsx' | 'csv';
}
