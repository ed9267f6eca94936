/**
 * One way to declare an HTTP route: method, path, auth, zod schemas and a handler. The same
 * declaration validates requests, types the handler's input and writes the OpenAPI document, so
 * the contract and the code cannot drift apart.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { StaffPrincipal } from '../../identity/identity.service.js';
import type { ReporterPrincipal } from '../../reporter/reporter.service.js';
import type { HrSystemPrincipal } from '../../identity/api-token.service.js';
import type { AppContext } from '../context.js';

/** `hr-system`: an API token of that role (Authorization: Bearer); such tokens reach only routes declared with it. */
export type AuthKind = 'public' | 'staff' | 'reporter' | 'hr-system';
type PrincipalFor<A extends AuthKind> = A extends 'staff' ? StaffPrincipal : A extends 'reporter' ? ReporterPrincipal : A extends 'hr-system' ? HrSystemPrincipal : undefined;

export interface HandlerInput<A extends AuthKind, B, Q, P> {
  ctx: AppContext;
  principal: PrincipalFor<A>;
  body: B;
  query: Q;
  params: P;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<A extends AuthKind, B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify-style path, e.g. `/api/v1/cases/:id`. */
  url: string;
  summary: string;
  tags: string[];
  auth: A;
  /** Staff routes only: open to someone who must still set up a second factor an admin requires (enrolment, profile, sign-out). */
  allowWithoutSecondFactor?: boolean;
  body?: B;
  /** A multipart/form-data body the handler reads as a stream (from `request`); documented only. */
  multipart?: z.ZodType;
  query?: Q;
  params?: P;
  /** Status of a successful answer (default 200). */
  status?: number;
  response?: z.ZodType;
  /** The media type of a non-JSON answer (the handler returns a stream), for the OpenAPI document. */
  responseType?: string;
  /** Error codes this route may answer with, for the OpenAPI document. */
  errors?: readonly { status: number; code: string }[];
  handler(input: HandlerInput<A, z.infer<B>, z.infer<Q>, z.infer<P>>): Promise<unknown>;
}

export type AnyRoute = RouteSpec<AuthKind, z.ZodType, z.ZodType, z.ZodType>;

export function route<A extends AuthKind, B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, P extends z.ZodType = z.ZodUndefined>(
  spec: RouteSpec<A, B, Q, P>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}
