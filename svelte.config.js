// Svelte compiler options (TypeScript in <script lang="ts"> is native in Svelte 5).
export default {}
