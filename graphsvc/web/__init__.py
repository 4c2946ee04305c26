"""The browser pages: the explorer at ``/`` and GraphiQL at ``GET /graphql``, with every asset
served by the app itself (built bundles in ``static/``, HTML in ``templates/``)."""
