// What a command is: its flags, help and what it runs. Each command is one file in this folder.
export interface FlagSpec {
	name: string;
	/** Placeholder of the value; absent for a switch. */
	value?: string;
	required?: boolean;
	help: string;
}

export interface CommandSpec {
	name: string;
	summary: string;
	flags: FlagSpec[];
	details?: string[];
	examples: string[];
	run(flags: Flags, io: Io): Promise<number | void>;
}

export type Flags = Record<string, string | undefined>;

export interface Io {
	out(line?: string): void;
	err(line?: string): void;
}
