import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

export class DigitizationJobsQuery {
  @ApiPropertyOptional({ enum: ['queued', 'running', 'done', 'failed'] })
  @IsOptional()
  @IsIn(['queued', 'running', 'done', 'failed'])
  status?: string;
  @ApiPropertyOptional({ description: 'only scans below 200 dpi' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  lowDpi?: boolean;
}
