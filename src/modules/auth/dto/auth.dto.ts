import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'vanthu' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username: string;

  @ApiProperty({ example: 'hoso-demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  currentPassword: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  newPassword: string;
}

export class DownloadTicketDto {
  @ApiProperty({ example: '/api/documents/5f0c…/pdf', description: 'The GET path (and query) the ticket opens' })
  @IsString()
  @MaxLength(1000)
  @Matches(/^\/api\/[^?#]*(\?[^#]*)?$/, { message: 'path must be an /api/ path' })
  path: string;
}
