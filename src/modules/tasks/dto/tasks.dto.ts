import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export class ListTasksQuery {
  @ApiPropertyOptional({ enum: ['mine', 'group', 'all'], default: 'mine' })
  @IsOptional()
  @IsIn(['mine', 'group', 'all'])
  scope?: 'mine' | 'group' | 'all';

  @ApiPropertyOptional({ enum: ['open', 'done'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'done'])
  state?: 'open' | 'done';

  @ApiPropertyOptional({ default: 500, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class BoardQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ example: '2026-11-01' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be yyyy-MM-dd' })
  from?: string;
  @ApiPropertyOptional({ example: '2026-11-30' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be yyyy-MM-dd' })
  to?: string;
}

export class CompleteTaskDto {
  @ApiProperty({ description: 'Values of the task form fields', example: { decision: 'approve', comment: 'Đồng ý' } })
  @IsOptional()
  @IsObject()
  variables?: Record<string, unknown>;
}

export class ReassignTaskDto {
  @ApiProperty() @IsUUID() userId: string;
}

export class CommentDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(10000) text: string;
}
