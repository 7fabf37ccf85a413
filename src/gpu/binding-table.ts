// Bindings by name: a wrapper declares one table (binding number and access per WGSL variable), and
// each entry point's layout and bind group are built from the names it uses — never from positional
// arrays whose order must match the shader by hand. Tests reflect the WGSL against the tables.
import { uniformBuffer } from './buffers';
import type { KernelContext } from './context';
import { grid, type Dispatch, type KernelFamily } from './dispatch';
import type { BindingKind } from './pipelines';
import type { ShaderName } from './shaders';

export interface BindingSlot {
  binding: number;
  kind: BindingKind;
}

export type BindingTable = Record<string, BindingSlot>;

export type Resources<T extends BindingTable> = Partial<Record<keyof T, GPUBufferBinding | GPUBuffer>>;

/** The bind-group layout of an entry point that uses `names` of the table. */
export function entryLayout<T extends BindingTable>(ctx: KernelContext, label: string, table: T, names: readonly (keyof T)[]): GPUBindGroupLayout {
  const count = Math.max(...Object.values(table).map((s) => s.binding)) + 1;
  const kinds: (BindingKind | null)[] = new Array(count).fill(null);
  for (const n of names) kinds[table[n].binding] = table[n].kind;
  return ctx.cache.layout(label, kinds);
}

/** A bind group holding exactly the named resources (the entry's layout must name the same). */
export function entryBindGroup<T extends BindingTable>(ctx: KernelContext, label: string, layout: GPUBindGroupLayout, table: T, resources: Resources<T>): GPUBindGroup {
  const slots: (GPUBufferBinding | GPUBuffer | null)[] = [];
  for (const [name, r] of Object.entries(resources) as [keyof T, GPUBufferBinding | GPUBuffer | undefined][]) {
    if (r !== undefined) slots[table[name].binding] = r;
  }
  return ctx.bindGroup(label, layout, Array.from(slots, (s) => s ?? null));
}

/** Names of the resources given (the entry's binding list, for entryLayout). */
export function namesOf<T extends BindingTable>(resources: Resources<T>): (keyof T)[] {
  return Object.keys(resources).filter((k) => resources[k] !== undefined) as (keyof T)[];
}

export interface KernelPlan<T extends BindingTable> {
  shader: ShaderName;
  entry: string;
  table: T;
  constants: Record<string, number>;
  /** The uniform `params` struct, packed (packStruct). */
  params: ArrayBuffer;
  /** Every other binding the entry point uses. */
  resources: Resources<T>;
  /** Bound as group 1 (the per-step uniform) when given. */
  stepBuffer?: GPUBuffer;
  label: string;
  family: KernelFamily;
  /** Workgroups to launch (folded into a 2-D grid when large). */
  groups: number;
  flops: number;
}

/** Builds one recorded launch: pipeline (cached), params uniform, bind groups. Called once per run, never per step. */
export async function planKernel<T extends BindingTable>(ctx: KernelContext, k: KernelPlan<T>): Promise<Dispatch> {
  const resources = { ...k.resources, params: uniformBuffer(ctx.device, `${k.label}.params`, k.params) } as Resources<T>;
  const layout = entryLayout(ctx, `${k.shader}.${k.entry}.layout`, k.table, namesOf(resources));
  const layouts = k.stepBuffer ? [layout, ctx.cache.stepLayout] : [layout];
  const pipeline = await ctx.cache.pipeline({ shader: k.shader, entry: k.entry, constants: k.constants, layouts });
  const bindGroup = entryBindGroup(ctx, `${k.label}.bindGroup`, layout, k.table, resources);
  const stepGroup = k.stepBuffer ? ctx.stepGroup(`${k.label}.step`, k.stepBuffer) : undefined;
  return { label: k.label, family: k.family, pipeline, bindGroup, stepGroup, workgroups: grid(k.groups), flops: k.flops };
}
