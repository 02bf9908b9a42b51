"""Functions of functions: forward mode (`jvp`), Jacobians and Hessians, and user-defined ops.
Built on the core and introspect."""
