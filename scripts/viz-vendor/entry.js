// The third-party code the viewer needs, gathered under one global so graph.js
// (mobkg's own code) can use it from an inline <script>. Nothing else lives here.
import Graph from "graphology";
import Sigma from "sigma";
import forceAtlas2 from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import { toBlob } from "@sigma/export-image";

window.mobkgVendor = { Graph, Sigma, forceAtlas2, FA2Layout, toBlob };
