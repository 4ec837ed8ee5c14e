export { AzureSimulator } from './azure-simulator.js';
export type { AzureAuthFile, AzureConnectionInfo, AzureSimulatorKnobs, AzureSimulatorKnobsPatch, AzureSimulatorOptions } from './azure-simulator.js';
export type { AzureKnobs, AzureKnobsPatch, AzureTiming } from './azure-knobs.js';
export type { AzureSeedBody, AzureSeedResult, SeedSpec, SeedVirtualMachineSpec } from './seed.js';
export type { ServicePrincipal } from './token-endpoint.js';
export { VM_SIZES, type VmSize } from './compute-catalog.js';
